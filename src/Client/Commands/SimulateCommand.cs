using OrleansHpo.Core.Search;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Results;
using OrleansHpo.Silo;
using OrleansHpo.Simulator;

namespace OrleansHpo.Client.Commands;

/// <summary>
/// <c>hpo simulate SPEC</c>: the experiment's scheduler on a simulated clock (see <see cref="Simulation"/>), against
/// the spec's trainable run without sleeping, or a CSV table of learning curves. Results go to DIR/NAME-sim (same
/// format as a run, so results/plot/compare work on them).
/// </summary>
public static class SimulateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var specArg = new Argument<string>("spec") { Description = "Experiment spec (JSON)" };
        var resultsDir = CommandSupport.ResultsDir();
        var set = new Option<string[]>("--set") { Description = "Override a spec field: path=value (e.g. n_workers=64); repeatable" };
        var curves = new Option<string?>("--curves") { Description = "CSV of learning curves to replay instead of the trainable (trial_id, resource, metric columns; a results.csv works)" };
        var epochSeconds = new Option<double>("--epoch-seconds")
        {
            Description = "Simulated seconds per epoch when the trainable gives none (the synthetic trainable's delay_ms is used when set)",
            DefaultValueFactory = _ => 1.0,
        };
        var name = new Option<string?>("--name") { Description = "Experiment name for the results (default: the spec's name + '-sim')" };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object" };
        var trainables = new Option<string[]>("--trainables") { Description = "Class library (.dll) with your own trainables; repeatable" };
        var command = new Command("simulate", "Run the scheduler on a simulated clock: thousands of trials in seconds, same results format") { specArg, resultsDir, set, curves, epochSeconds, name, json, trainables };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, () =>
        {
            double seconds = parse.GetValue(epochSeconds);
            if (!(seconds > 0))
            {
                throw new UserError("--epoch-seconds must be > 0");
            }
            var registry = new TrainableRegistry(TrainablePlugins.BuiltIn().Concat(TrainablePlugins.Load(TrainablePlugins.Shipped().Concat(parse.GetValue(trainables) ?? []).Distinct())));
            var overrides = (parse.GetValue(set) ?? []).ToList();
            var spec = SpecLoader.Load(parse.GetValue(specArg)!, overrides, registry);
            var simName = parse.GetValue(name) ?? spec.Name + "-sim";
            var folder = new ResultsFolder(parse.GetValue(resultsDir)!, simName);
            if (folder.Exists && !IsSimulated(folder))
            {
                throw new UserError($"{folder.Directory} holds a real experiment; simulate under another name with --name NEW");
            }
            // The simulated experiment carries its own name in its spec (metadata.json keeps the spec).
            spec = SpecLoader.Validate(WithName(spec.SourceJson, simName), [], registry, parse.GetValue(specArg)!);
            if (Directory.Exists(folder.Directory))
            {
                Directory.Delete(folder.Directory, recursive: true);
            }
            Simulation simulation;
            if (parse.GetValue(curves) is { } csv)
            {
                CurveTable table;
                try
                {
                    table = CurveTable.Load(csv, spec.ResourceAttr, spec.Metric);
                }
                catch (FileNotFoundException e)
                {
                    throw new UserError(e.Message);
                }
                simulation = new Simulation(spec, table, table.Timer(seconds), table);
            }
            else
            {
                ISearcher searcher;
                try
                {
                    searcher = SearcherFactory.Create(spec, TrainablePlugins.LoadSearcherProviders(parse.GetValue(trainables) ?? []));
                }
                catch (SearcherSpecException e)
                {
                    throw new UserError(e.Message);
                }
                simulation = new Simulation(spec, registry.Get(spec.Trainable), Simulation.DelayMsTimer(seconds), searcher);
            }
            var result = simulation.Run(folder.Directory);
            Print(output, spec, result, parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Print(TextWriter output, ExperimentSpec spec, SimulationResult r, bool json)
    {
        double rate = r.WallSeconds > 0 ? r.Started / r.WallSeconds : 0;
        if (json)
        {
            output.WriteLine(new JsonObject
            {
                ["name"] = spec.Name,
                ["directory"] = r.Directory,
                ["scheduler"] = ExperimentMetadata.SchedulerName(spec),
                ["n_workers"] = spec.NWorkers,
                ["trials_started"] = r.Started,
                ["completed"] = r.Completed,
                ["stopped"] = r.Stopped,
                ["paused"] = r.Paused,
                ["failed"] = r.Failed,
                ["promotions"] = r.Promotions,
                ["reports"] = r.Reports,
                ["simulated_seconds"] = Math.Round(r.SimulatedSeconds, 3),
                ["wall_seconds"] = Math.Round(r.WallSeconds, 3),
                ["trials_per_second"] = Math.Round(rate, 1),
                ["stop_reason"] = r.StopReason,
                ["best_trial_id"] = r.BestTrialId,
                [spec.Metric] = r.BestValue,
            }.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            return;
        }
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"simulated {spec.Name}: {ExperimentMetadata.SchedulerName(spec)}, {spec.NWorkers} workers, results in {r.Directory}");
        output.WriteLine(string.Create(c, $"{r.Started} trials ({r.Completed} completed, {r.Stopped} stopped, {r.Paused} paused, {r.Failed} failed), {r.Promotions} promotions, {r.Reports} reports; stop reason: {r.StopReason}"));
        output.WriteLine(string.Create(c, $"{r.SimulatedSeconds:F1} simulated seconds in {r.WallSeconds:F2} s of wall time ({rate:F0} trials/s)"));
        if (r.BestTrialId is { } best)
        {
            output.WriteLine(string.Create(c, $"best: trial {best}, {spec.Metric} {r.BestValue:G6}"));
        }
    }

    private static bool IsSimulated(ResultsFolder folder)
    {
        try
        {
            return File.Exists(folder.Metadata) && JsonNode.Parse(File.ReadAllText(folder.Metadata))?["simulated"]?.GetValue<bool>() == true;
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string WithName(string specJson, string name)
    {
        var node = JsonNode.Parse(specJson)!.AsObject();
        node["name"] = name;
        return node.ToJsonString();
    }
}
