using System.CommandLine;

namespace OrleansHpo.Client;

/// <summary>The <c>hpo</c> command line: verbs, options, exit codes (0 ok, 1 failure, 2 bad input).</summary>
public static class HpoCli
{
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var resultsDir = new Option<string>("--results-dir")
        {
            Description = "Folder holding experiments (default ~/orleans-hpo, or $HPO_RESULTS_DIR)",
            DefaultValueFactory = _ => ResultsFolder.DefaultRoot,
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a spec field: path=value (e.g. stop.max_wallclock_seconds=30); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var trainables = new Option<string[]>("--trainables") { Description = "Class library (.dll) with your own trainables; repeatable" };
        var device = new Option<string?>("--device") { Description = "Training device: auto (CUDA when present, else CPU), cpu, cuda, cuda:N" };
        var threads = new Option<int?>("--intra-op-threads") { Description = "TorchSharp intra-op threads per trial (default: cores / n_workers)" };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the final best line" };
        var json = new Option<bool>("--json") { Description = "Progress as JSON, one object per line (for machines)" };
        var verbose = new Option<bool>("--verbose") { Description = "Log trial events" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Delete an existing experiment of the same name first" };
        var specArg = new Argument<string>("spec") { Description = "Experiment spec (JSON)" };
        var nameArg = new Argument<string>("name") { Description = "Experiment name" };
        var cluster = new Option<string?>("--cluster") { Description = "Run on / ask a running cluster (redis://HOST:PORT) instead of an embedded silo; --results-dir must be a path the silos share" };

        var dashboard = new Option<bool>("--dashboard") { Description = "Serve the web dashboard on 127.0.0.1 while the run goes on (prints its URL)" };
        var dashboardPort = new Option<int>("--dashboard-port") { Description = "Port of --dashboard (a free one when it is taken)", DefaultValueFactory = _ => 8080 };
        var run = new Command("run", "Run an experiment on an embedded silo or a cluster") { specArg, resultsDir, set, trainables, quiet, verbose, device, threads, overwrite, json, cluster, dashboard, dashboardPort };
        run.SetAction((parse, ct) => Guard(error, () => Commands.DashboardCommand.WithDashboard(parse.GetValue(dashboard), parse.GetValue(dashboardPort), parse.GetValue(resultsDir)!, error, () =>
            Session(parse, output, quiet, verbose, trainables, device, threads, json, cluster).RunAsync(parse.GetValue(specArg)!, parse.GetValue(set) ?? [], parse.GetValue(resultsDir)!, parse.GetValue(overwrite), ct))));

        var resume = new Command("resume", "Continue an interrupted experiment from its persisted state") { nameArg, resultsDir, trainables, quiet, verbose, device, threads, json, cluster };
        resume.SetAction((parse, ct) => Guard(error, () =>
            Session(parse, output, quiet, verbose, trainables, device, threads, json, cluster).ResumeAsync(parse.GetValue(nameArg)!, parse.GetValue(resultsDir)!, ct)));

        var list = new Command("list", "List experiments in the results folder") { resultsDir, cluster };
        list.SetAction((parse, ct) => Guard(error, () => parse.GetValue(cluster) is { } c
            ? ClusterVerbs.List(output, c, parse.GetValue(resultsDir)!, ct)
            : Task.FromResult(Verbs.List(output, parse.GetValue(resultsDir)!))));

        var status = new Command("status", "Show an experiment's progress") { nameArg, resultsDir, cluster };
        status.SetAction((parse, ct) => Guard(error, () => parse.GetValue(cluster) is { } c
            ? ClusterVerbs.Status(output, c, parse.GetValue(nameArg)!, ct)
            : Task.FromResult(Verbs.Status(output, parse.GetValue(resultsDir)!, parse.GetValue(nameArg)!))));

        var best = new Command("best", "Print an experiment's best trial") { nameArg, resultsDir, cluster };
        best.SetAction((parse, ct) => Guard(error, () => parse.GetValue(cluster) is { } c
            ? ClusterVerbs.BestOf(output, c, parse.GetValue(nameArg)!, ct)
            : Task.FromResult(Verbs.Best(output, parse.GetValue(resultsDir)!, parse.GetValue(nameArg)!))));

        var root = new RootCommand("OrleansHpo: hyperparameter optimization on Orleans (ASHA, Hyperband, successive halving)")
        {
            run, resume, list, status, best,
            Commands.ResultsCommand.Create(output, error), Commands.PlotCommand.Create(output, error), Commands.CompareCommand.Create(output, error), Commands.StopCommand.Create(output, error), Commands.SimulateCommand.Create(output, error),
            Commands.SiloCommand.Create(error),
            Commands.CheckCommand.Create(output, error),
            Commands.DashboardCommand.Create(output, error),
        };
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var e in parseResult.Errors)
            {
                await error.WriteLineAsync($"error: {e.Message}");
            }
            await error.WriteLineAsync("see: hpo --help");
            return ExitCodes.BadInput;
        }
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        if (parseResult.CommandResult.Command.Name == "silo")
        {
            invocation.ProcessTerminationTimeout = null; // the silo host drains on SIGTERM itself
        }
        return await parseResult.InvokeAsync(invocation);
    }

    private static ExperimentSession Session(ParseResult parse, TextWriter output, Option<bool> quiet, Option<bool> verbose,
        Option<string[]> trainables, Option<string?> device, Option<int?> threads, Option<bool> json, Option<string?> cluster) =>
        new(output, parse.GetValue(quiet), parse.GetValue(verbose),
            ClientSettings.Load().With(parse.GetValue(trainables) ?? [], parse.GetValue(device), parse.GetValue(threads)), parse.GetValue(json))
        { Cluster = parse.GetValue(cluster) };

    private static async Task<int> Guard(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (UserError e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException && e.Message.StartsWith("--trainables", StringComparison.Ordinal))
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
