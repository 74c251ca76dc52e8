using System.Globalization;
using System.Text.Json.Nodes;
using OrleansHpo.Results;

namespace OrleansHpo.Client;

/// <summary>
/// The <c>status</c> and <c>list</c> reports, read from the results folder (metadata.json for counts and budget,
/// results.csv for where trials are per rung), so they work while a run is going on in another process or on a cluster.
/// </summary>
public static class StatusReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static int Status(TextWriter output, string root, string name)
    {
        var folder = ResultsFolder.WithMetadata(root, name);
        var e = Experiment.Load(folder.Directory);
        var m = e.Metadata;
        int started = Int(m, "num_trials_started");
        int running = Int(m, "num_trials_running");
        var stopReason = m["stop_reason"]?.GetValue<string>();
        var shown = e.Status;
        if (Orphaned(folder, e.Status) is { } ended)
        {
            shown = "interrupted";
            stopReason = $"the hpo process that ran it ({ended}) has ended without finishing it; continue with `hpo resume {e.Name} --results-dir {root}`";
        }
        output.WriteLine($"{e.Name}: {shown}{(e.IsSimulated ? " (simulated)" : "")} ({e.SchedulerName}, {e.NWorkers} workers){(stopReason is null ? "" : $", stop reason: {stopReason}")}");
        if (m["error"]?.GetValue<string>() is { } error)
        {
            output.WriteLine($"error: {error}");
        }
        output.WriteLine(Budget(e, started));
        output.WriteLine($"workers: {running}/{e.NWorkers} busy");
        output.WriteLine($"trials: {started} started: {running} running, {Int(m, "num_trials_paused")} paused, {Int(m, "num_trials_stopped")} stopped, {Int(m, "num_trials_completed")} completed, {Int(m, "num_trials_failed")} failed; {Int(m, "num_promotions")} promotions, {Int(m, "num_reports")} reports");
        var rungs = e.Rungs();
        if (rungs.Count > 1 && e.Rows.Count > 0)
        {
            output.WriteLine($"{e.ResourceAttr + " level",12} {"reached",8} {"running",8} {"paused",7} {"stopped",8} {"completed",10} {"went on",8}");
            foreach (var r in rungs)
            {
                var label = r.Level == 0 ? "< first rung" : r.Level == e.MaxT ? $"{r.Level} (max_t)" : r.Level.ToString(C);
                output.WriteLine($"{label,12} {(r.Level == 0 ? "" : r.Reached.ToString(C)),8} {r.Running,8} {r.Paused,7} {r.Stopped,8} {r.Completed,10} {(r.Level == 0 || r.Level == e.MaxT ? "" : r.Promoted.ToString(C)),8}");
            }
        }
        if (m["best"] is JsonObject best)
        {
            output.WriteLine($"best: {e.Metric} {Experiment.Format(best[e.Metric]?.GetValue<double>() ?? double.NaN)} (trial {best["trial_id"]}, {e.ResourceAttr} {best["epoch"]}) config {best["config"]?.ToJsonString()}");
        }
        else
        {
            output.WriteLine("best: - (no reports yet)");
        }
        return ExitCodes.Ok;
    }

    public static int List(TextWriter output, string root)
    {
        var names = ResultsFolder.Known(root);
        if (names.Count == 0)
        {
            output.WriteLine($"no experiments in {Path.GetFullPath(root)} (start one with: hpo run SPEC --results-dir {root})");
            return ExitCodes.Ok;
        }
        output.WriteLine($"{"name",-36} {"status",-10} {"scheduler",-16} {"workers",7} {"trials",7} {"elapsed",9} {"best",12}");
        foreach (var name in names)
        {
            JsonNode? m;
            if (!File.Exists(new ResultsFolder(root, name).Metadata))
            {
                output.WriteLine($"{name,-36} {"created",-10} (ended before its first state write: `hpo resume {name}` runs it)");
                continue;
            }
            try
            {
                m = JsonNode.Parse(File.ReadAllText(new ResultsFolder(root, name).Metadata));
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException)
            {
                output.WriteLine($"{name,-36} {"unreadable",-10}");
                continue;
            }
            var metric = m?["metric_names"]?[0]?.GetValue<string>() ?? "";
            var best = m?["best"]?[metric]?.GetValue<double>();
            bool simulated = m?["simulated"]?.GetValue<bool>() == true;
            var elapsed = (m?["elapsed_seconds"]?.GetValue<double>() ?? 0).ToString("F1", C) + (simulated ? "s*" : "s");
            var status = m?["status"]?.GetValue<string>();
            if (Orphaned(new ResultsFolder(root, name), status) is not null)
            {
                status = "ended"; // metadata says running, but no process holds the folder
            }
            output.WriteLine($"{name,-36} {status,-10} {m?["scheduler_name"]?.GetValue<string>(),-16} {Int(m, "n_workers"),7} {Int(m, "num_trials_started"),7} {elapsed,9} {(best is { } b ? b.ToString("G6", C) : "-"),12}");
        }
        if (names.Any(n => IsSimulated(root, n)))
        {
            output.WriteLine("* simulated time (hpo simulate)");
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The process that last held an embedded experiment whose metadata still says running/stopping while no process
    /// holds its lock (it was killed); null when the experiment is finished, held, or runs on a cluster (there the
    /// silos carry on without the client).
    /// </summary>
    public static ExperimentLock.Owner? Orphaned(ResultsFolder folder, string? status) =>
        status is "running" or "stopping" && ExperimentLock.LastOwner(folder.Directory) is { Cluster: false } owner && !ExperimentLock.IsHeld(folder.Directory)
            ? owner
            : null;

    private static string Budget(Experiment e, int started)
    {
        var stop = e.Spec?["stop"];
        var parts = new List<string> { $"elapsed {e.ElapsedSeconds.ToString("F1", C)}s{(e.IsSimulated ? " (simulated)" : "")}" };
        if (stop?["max_wallclock_seconds"] is JsonValue wall && wall.TryGetValue<double>(out var limit))
        {
            parts.Add($"wall-clock budget {limit.ToString("G", C)}s ({Math.Max(0, limit - e.ElapsedSeconds).ToString("F1", C)}s left)");
        }
        if (stop?["max_trials_started"] is JsonValue mts && mts.TryGetValue<int>(out var maxTrials))
        {
            parts.Add($"trials {started}/{maxTrials} started ({Math.Max(0, maxTrials - started)} left)");
        }
        if (stop?["max_trials_completed"] is JsonValue mtc && mtc.TryGetValue<int>(out var maxCompleted))
        {
            parts.Add($"completed budget {maxCompleted}");
        }
        return string.Join("; ", parts);
    }

    private static bool IsSimulated(string root, string name)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(new ResultsFolder(root, name).Metadata))?["simulated"]?.GetValue<bool>() == true;
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static int Int(JsonNode? m, string key) => m?[key] is JsonValue v && v.TryGetValue<int>(out var i) ? i : 0;
}
