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
        var verbose = new Option<bool>("--verbose") { Description = "Log trial events" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Delete an existing experiment of the same name first" };
        var specArg = new Argument<string>("spec") { Description = "Experiment spec (JSON)" };
        var nameArg = new Argument<string>("name") { Description = "Experiment name" };

        var run = new Command("run", "Run an experiment on an embedded silo") { specArg, resultsDir, set, trainables, device, threads, quiet, verbose, overwrite };
        run.SetAction((parse, ct) => Guard(error, () =>
            Session(parse, output, quiet, verbose, trainables, device, threads).RunAsync(parse.GetValue(specArg)!, parse.GetValue(set) ?? [], parse.GetValue(resultsDir)!, parse.GetValue(overwrite), ct)));

        var resume = new Command("resume", "Continue an interrupted experiment from its persisted state") { nameArg, resultsDir, trainables, device, threads, quiet, verbose };
        resume.SetAction((parse, ct) => Guard(error, () =>
            Session(parse, output, quiet, verbose, trainables, device, threads).ResumeAsync(parse.GetValue(nameArg)!, parse.GetValue(resultsDir)!, ct)));

        var list = new Command("list", "List experiments in the results folder") { resultsDir };
        list.SetAction((parse, ct) => Guard(error, () => Task.FromResult(Verbs.List(output, parse.GetValue(resultsDir)!))));

        var status = new Command("status", "Show an experiment's progress") { nameArg, resultsDir };
        status.SetAction((parse, ct) => Guard(error, () => Task.FromResult(Verbs.Status(output, parse.GetValue(resultsDir)!, parse.GetValue(nameArg)!))));

        var best = new Command("best", "Print an experiment's best trial") { nameArg, resultsDir };
        best.SetAction((parse, ct) => Guard(error, () => Task.FromResult(Verbs.Best(output, parse.GetValue(resultsDir)!, parse.GetValue(nameArg)!))));

        var root = new RootCommand("OrleansHpo: hyperparameter optimization on Orleans (ASHA, Hyperband, successive halving)")
        {
            run, resume, list, status, best,
            Commands.CheckCommand.Create(output, error),
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
        return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private static ExperimentSession Session(ParseResult parse, TextWriter output, Option<bool> quiet, Option<bool> verbose,
        Option<string[]> trainables, Option<string?> device, Option<int?> threads) =>
        new(output, parse.GetValue(quiet), parse.GetValue(verbose),
            ClientSettings.Load().With(parse.GetValue(trainables) ?? [], parse.GetValue(device), parse.GetValue(threads)));

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
