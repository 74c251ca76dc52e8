using System.Text.Json.Nodes;

namespace OrleansHpo.Client;

/// <summary>Verbs that read an experiment's files (no silo needed).</summary>
public static class Verbs
{
    public static int List(TextWriter output, string root)
    {
        var names = ResultsFolder.Known(root);
        if (names.Count == 0)
        {
            output.WriteLine($"no experiments in {Path.GetFullPath(root)}");
            return ExitCodes.Ok;
        }
        output.WriteLine($"{"name",-32} {"status",-10} {"trials",7} {"best",12}");
        foreach (var name in names)
        {
            var m = Metadata(new ResultsFolder(root, name));
            var metric = m["metric_names"]?[0]?.GetValue<string>() ?? "";
            var best = m["best"]?[metric]?.GetValue<double>();
            output.WriteLine($"{name,-32} {m["status"]?.GetValue<string>(),-10} {m["num_trials_started"]?.GetValue<int>(),7} {(best is { } b ? b.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "-"),12}");
        }
        return ExitCodes.Ok;
    }

    public static int Status(TextWriter output, string root, string name)
    {
        var m = Metadata(ResultsFolder.Existing(root, name));
        output.WriteLine($"{name}: {m["status"]} ({m["scheduler_name"]}, {m["n_workers"]} workers), {m["elapsed_seconds"]}s elapsed{(m["stop_reason"] is { } r ? $", stop reason: {r}" : "")}");
        output.WriteLine($"trials: {m["num_trials_started"]} started, {m["num_trials_running"]} running, {m["num_trials_paused"]} paused, {m["num_trials_stopped"]} stopped, {m["num_trials_completed"]} completed, {m["num_trials_failed"]} failed; {m["num_promotions"]} promotions; {m["num_reports"]} reports");
        output.WriteLine($"best: {m["best"]?.ToJsonString() ?? "-"}");
        return ExitCodes.Ok;
    }

    public static int Best(TextWriter output, string root, string name)
    {
        var m = Metadata(ResultsFolder.Existing(root, name));
        if (m["best"] is not { } best)
        {
            throw new UserError($"experiment '{name}' has no reports yet");
        }
        output.WriteLine("best: " + best.ToJsonString());
        return ExitCodes.Ok;
    }

    private static JsonNode Metadata(ResultsFolder folder)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(folder.Metadata))!;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UserError($"{folder.Metadata} is not valid JSON ({e.Message}); it was not written by hpo or is damaged");
        }
    }
}
