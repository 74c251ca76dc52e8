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
        var options = new RunOptions();
        var command = new Command("run", "Run an experiment on an embedded silo or a cluster") { spec, set, overwrite };
        options.AddTo(command);
        command.SetAction((parse, ct) => CommandSupport.GuardRun(error, async () =>
        {
            using var signals = TerminationSignals.Listen(error);
            return await options.Session(parse, output, error, signals)
                .RunAsync(parse.GetValue(spec)!, parse.GetValue(set) ?? [], parse.GetValue(options.ResultsDir)!, parse.GetValue(overwrite), ct);
        }));
        return command;
    }
}
