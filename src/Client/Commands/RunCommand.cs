using System.CommandLine;

namespace OrleansHpo.Client.Commands;

/// <summary><c>hpo run SPEC</c>: run an experiment on an embedded silo or a cluster and follow it to the end.</summary>
public static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var spec = new Argument<string>("spec") { Description = "Experiment spec (JSON)" };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a spec field: path=value (e.g. stop.max_wallclock_seconds=30); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Start over: an existing experiment of the same name is moved aside and deleted (refused while a process runs it)" };
        var dashboard = new Option<bool>("--dashboard") { Description = "Serve the web dashboard on 127.0.0.1 while the run goes on (prints its URL)" };
        var dashboardPort = new Option<int>("--dashboard-port") { Description = "Port of --dashboard (a free one when it is taken)", DefaultValueFactory = _ => 8080 };
        var options = new RunOptions();
        var command = new Command("run", "Run an experiment on an embedded silo or a cluster") { spec, set, overwrite, dashboard, dashboardPort };
        options.AddTo(command);
        command.SetAction((parse, ct) => CommandSupport.GuardRun(error, async () =>
        {
            using var signals = TerminationSignals.Listen(error);
            var resultsDir = parse.GetValue(options.ResultsDir)!;
            return await DashboardCommand.WithDashboard(parse.GetValue(dashboard), parse.GetValue(dashboardPort), resultsDir, error, () =>
                options.Session(parse, output, error, signals)
                    .RunAsync(parse.GetValue(spec)!, parse.GetValue(set) ?? [], resultsDir, parse.GetValue(overwrite), ct));
        }));
        return command;
    }
}
