using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansHpo.Results;

/// <summary>
/// An experiment's results, loaded from its folder (DIR/NAME with results.csv and metadata.json), for scripts,
/// notebooks and the <c>hpo</c> verbs:
/// <code>
/// var exp = Experiment.Load("~/orleans-hpo/synthetic-asha-promotion");
/// Console.WriteLine($"{exp.Rows.Count} reports, best {exp.Best?.Value} by trial {exp.Best?.TrialId}");
/// exp.Plot("overview.png");
/// </code>
/// </summary>
public sealed class Experiment
{
    private Experiment(string directory, JsonObject metadata, IReadOnlyList<ResultRow> rows, ResultsTail tail)
    {
        Directory = directory;
        Metadata = metadata;
        Rows = rows;
        Name = metadata["name"]?.GetValue<string>() ?? Path.GetFileName(directory);
        Metric = metadata["metric_names"]?[0]?.GetValue<string>() ?? tail.MetricNames.FirstOrDefault() ?? "loss";
        Mode = metadata["metric_mode"]?.GetValue<string>() == "max" ? "max" : "min";
        ResourceAttr = metadata["resource_attr"]?.GetValue<string>() ?? tail.ResourceAttr;
        MetricNames = tail.MetricNames;
        MaxT = ResolveMaxT(metadata["spec"] as JsonObject) ?? (rows.Count > 0 ? rows.Max(r => r.Epoch) : 0);
    }

    /// <summary>The experiment's folder.</summary>
    public string Directory { get; }

    /// <summary>Experiment name.</summary>
    public string Name { get; }

    /// <summary>metadata.json as written by hpo (Syne Tune's keys plus counts, best and the spec).</summary>
    public JsonObject Metadata { get; }

    /// <summary>Every report, in file order.</summary>
    public IReadOnlyList<ResultRow> Rows { get; }

    /// <summary>The metric the scheduler optimizes.</summary>
    public string Metric { get; }

    /// <summary>"min" or "max".</summary>
    public string Mode { get; }

    /// <summary>The resource column (e.g. "epoch").</summary>
    public string ResourceAttr { get; }

    /// <summary>Every metric column of results.csv.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    /// <summary>Resource level at which a trial completes (max_t).</summary>
    public int MaxT { get; }

    /// <summary>running, stopping, completed or failed (from metadata.json).</summary>
    public string Status => Str("status") ?? "unknown";

    /// <summary>e.g. asha-promotion, sync-hyperband, fifo.</summary>
    public string SchedulerName => Str("scheduler_name") ?? "";

    /// <summary>Worker slots.</summary>
    public int NWorkers => Metadata["n_workers"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;

    /// <summary>Seconds of tuner time used.</summary>
    public double ElapsedSeconds => Num("elapsed_seconds") ?? (Rows.Count > 0 ? Rows.Max(r => r.TunerTime) : 0);

    /// <summary>True for results written by <c>hpo simulate</c> (times are simulated seconds).</summary>
    public bool IsSimulated => Metadata["simulated"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    /// <summary>The spec the experiment ran (after overrides), if recorded.</summary>
    public JsonObject? Spec => Metadata["spec"] as JsonObject;

    /// <summary>The searcher seed, if recorded.</summary>
    public int? Seed => Spec?["searcher"]?["seed"] is JsonValue v && v.TryGetValue<int>(out var s) ? s : null;

    /// <summary>True while the experiment may still be producing results.</summary>
    public bool IsFinished => Status is "completed" or "failed";

    /// <summary>
    /// Loads an experiment from its folder, or from the path of its results.csv or metadata.json.
    /// </summary>
    /// <exception cref="FileNotFoundException">No results.csv nor metadata.json there.</exception>
    /// <exception cref="InvalidDataException">A file is not what hpo writes.</exception>
    public static Experiment Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.StartsWith('~'))
        {
            path = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        }
        var full = Path.GetFullPath(path);
        var directory = File.Exists(full) ? Path.GetDirectoryName(full)! : full;
        var metadataPath = Path.Combine(directory, "metadata.json");
        var csvPath = Path.Combine(directory, "results.csv");
        if (!File.Exists(metadataPath) && !File.Exists(csvPath))
        {
            throw new FileNotFoundException($"no experiment at {directory} (expected results.csv and metadata.json there)", metadataPath);
        }
        JsonObject metadata = [];
        if (File.Exists(metadataPath))
        {
            try
            {
                metadata = JsonNode.Parse(File.ReadAllText(metadataPath)) as JsonObject
                    ?? throw new InvalidDataException($"{metadataPath} is not a JSON object");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{metadataPath} is not valid JSON ({e.Message}); it was not written by hpo or is damaged", e);
            }
        }
        var tail = new ResultsTail(csvPath);
        var rows = tail.ReadNew();
        return new Experiment(directory, metadata, rows, tail);
    }

    /// <summary>
    /// An experiment from rows already read (by a <see cref="ResultsTail"/> that follows a running experiment's
    /// results.csv) and its parsed metadata.json: what <see cref="Load"/> builds, without reading the file again.
    /// </summary>
    public static Experiment FromRows(string directory, JsonObject metadata, IReadOnlyList<ResultRow> rows, ResultsTail tail) =>
        new(directory, metadata, rows, tail);

    /// <summary>The best report (by <see cref="Metric"/> and <see cref="Mode"/>), or null when there is none.</summary>
    public BestResult? Best
    {
        get
        {
            ResultRow? best = null;
            double bestValue = 0;
            foreach (var row in Rows)
            {
                if (row.Metrics.TryGetValue(Metric, out var v) && double.IsFinite(v) && (best is null || Better(v, bestValue)))
                {
                    best = row;
                    bestValue = v;
                }
            }
            return best is null ? null : new BestResult(best.TrialId, best.Epoch, bestValue, best.Config);
        }
    }

    /// <summary>True when <paramref name="a"/> is better than <paramref name="b"/> for this experiment's mode.</summary>
    public bool Better(double a, double b) => Mode == "max" ? a > b : a < b;

    /// <summary>Best metric so far against tuner time: one point per improvement, in time order.</summary>
    public IReadOnlyList<(double Time, double Value)> BestSoFar()
    {
        var points = new List<(double, double)>();
        double? best = null;
        foreach (var row in Rows.OrderBy(r => r.TunerTime))
        {
            if (row.Metrics.TryGetValue(Metric, out var v) && double.IsFinite(v) && (best is null || Better(v, best.Value)))
            {
                best = v;
                points.Add((row.TunerTime, v));
            }
        }
        return points;
    }

    /// <summary>One summary per trial, by trial id.</summary>
    public IReadOnlyList<TrialSummary> Trials()
    {
        var result = new List<TrialSummary>();
        foreach (var group in Rows.GroupBy(r => r.TrialId).OrderBy(g => g.Key))
        {
            var rows = group.OrderBy(r => r.Epoch).ToList();
            var last = rows[^1];
            double lastValue = last.Metrics.GetValueOrDefault(Metric, double.NaN);
            var bestRow = rows.Where(r => r.Metrics.ContainsKey(Metric))
                .Aggregate((ResultRow?)null, (b, r) => b is null || Better(r.Metrics[Metric], b.Metrics[Metric]) ? r : b);
            string status = last.Decision switch
            {
                "PAUSE" => "paused",
                "STOP" => last.Epoch >= MaxT ? "completed" : "stopped",
                _ => last.Epoch >= MaxT ? "completed" : IsFinished ? "stopped" : "running",
            };
            result.Add(new TrialSummary(group.Key, status, last.Epoch, lastValue,
                bestRow?.Metrics[Metric] ?? double.NaN, bestRow?.Epoch ?? 0,
                rows.Min(r => r.TunerTime), rows.Max(r => r.TunerTime), last.Config));
        }
        return result;
    }

    /// <summary>
    /// Rung levels seen in the results: the levels where trials paused or were stopped by the scheduler (below max_t).
    /// </summary>
    public IReadOnlyList<int> RungLevels() =>
        [.. Rows.Where(r => r.Epoch < MaxT && r.Decision is "PAUSE" or "STOP").Select(r => r.Epoch).Distinct().Order()];

    /// <summary>Trials per rung level (see <see cref="RungSummary"/>); the last row is max_t.</summary>
    public IReadOnlyList<RungSummary> Rungs()
    {
        var levels = RungLevels().Append(MaxT).Distinct().Order().ToList();
        var trials = Trials();
        var reachedBy = Rows.GroupBy(r => r.Epoch).ToDictionary(g => g.Key, g => g.Select(r => r.TrialId).Distinct().Count());
        var result = new List<RungSummary>();
        var levelsWithZero = new List<int> { 0 };
        levelsWithZero.AddRange(levels);
        foreach (var level in levelsWithZero)
        {
            var here = trials.Where(t => At(t.LastEpoch, levels) == level).ToList();
            int reached = level == 0 ? trials.Count : reachedBy.GetValueOrDefault(level);
            int promoted = level == 0 ? 0 : trials.Count(t => t.LastEpoch > level);
            result.Add(new RungSummary(level, reached,
                here.Count(t => t.Status == "running"), here.Count(t => t.Status == "paused"),
                here.Count(t => t.Status == "stopped"), here.Count(t => t.Status == "completed"), promoted));
        }
        return result;
    }

    /// <summary>Writes a PNG plot of this experiment (see <see cref="ExperimentPlots"/>).</summary>
    public void Plot(string pngPath, PlotKind kind = PlotKind.Overview, int width = 1000, int height = 0) =>
        ExperimentPlots.Save(this, kind, pngPath, width, height);

    private static int At(int epoch, List<int> levels)
    {
        int at = 0;
        foreach (var l in levels)
        {
            if (epoch >= l)
            {
                at = l;
            }
        }
        return at;
    }

    private static int? ResolveMaxT(JsonObject? spec)
    {
        if (spec is null)
        {
            return null;
        }
        if (spec["scheduler"]?["max_t"] is JsonValue mt && mt.TryGetValue<int>(out var maxT))
        {
            return maxT;
        }
        if (spec["max_resource_attr"]?.GetValue<string>() is { } attr && spec["config_space"]?[attr] is JsonValue v)
        {
            if (v.TryGetValue<int>(out var i))
            {
                return i;
            }
            if (v.TryGetValue<double>(out var d))
            {
                return (int)d;
            }
        }
        return null;
    }

    private string? Str(string key) => Metadata[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private double? Num(string key) => Metadata[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    /// <summary>Formats a metric value for tables.</summary>
    public static string Format(double value) =>
        double.IsNaN(value) ? "-" : value.ToString("G6", CultureInfo.InvariantCulture);
}
