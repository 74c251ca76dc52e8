using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHpo.Results;

namespace OrleansHpo.Dashboard;

/// <summary>
/// The dashboard's JSON documents, written with <see cref="Utf8JsonWriter"/> (NaN and infinities as null). Large
/// tables are columnar (one array per column) to keep 10,000-trial experiments small and quick to parse.
/// </summary>
public static class Payloads
{
    private static readonly JsonWriterOptions Options = new() { Indented = false };

    /// <summary>Every experiment of the folder, from its metadata.json alone.</summary>
    public static byte[] List(FeedRegistry registry, string? source)
    {
        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("results_dir", registry.Root);
            w.WriteString("source", source);
            w.WriteNumber("list_version", registry.ListVersion);
            w.WritePropertyName("experiments");
            w.WriteStartArray();
            foreach (var name in registry.Names())
            {
                JsonObject? m = null;
                try
                {
                    m = JsonNode.Parse(File.ReadAllText(Path.Combine(registry.Root, name, "metadata.json"))) as JsonObject;
                }
                catch (Exception e) when (e is IOException or JsonException)
                {
                    // Being replaced: listed as unreadable this time.
                }
                w.WriteStartObject();
                w.WriteString("name", name);
                if (m is null)
                {
                    w.WriteString("status", "unreadable");
                    w.WriteEndObject();
                    continue;
                }
                Summary(w, m);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The experiment page's data: summary, spec, trial table, best so far, rung timelines.</summary>
    public static byte[] Experiment(long version, Experiment e)
    {
        return Write(w =>
        {
            var m = e.Metadata;
            w.WriteStartObject();
            w.WriteString("name", e.Name);
            w.WriteNumber("version", version);
            w.WriteNumber("reports", e.Rows.Count);
            Summary(w, m);
            w.WriteString("resource_attr", e.ResourceAttr);
            w.WriteNumber("max_t", e.MaxT);
            w.WriteString("error", Str(m, "error"));
            w.WritePropertyName("metric_names");
            w.WriteStartArray();
            foreach (var metric in e.MetricNames)
            {
                w.WriteStringValue(metric);
            }
            w.WriteEndArray();
            w.WritePropertyName("checkpoints");
            w.WriteStartObject();
            Copy(w, m, "checkpoint_files", "files");
            Copy(w, m, "checkpoint_bytes", "bytes");
            Copy(w, m, "num_checkpoints_removed", "removed");
            Copy(w, m, "retrained_epochs", "retrained_epochs");
            Copy(w, m, "num_retrained_from_scratch", "retrained_from_scratch");
            w.WriteEndObject();
            w.WritePropertyName("spec");
            (Secrets.Redact(e.Spec) ?? new JsonObject()).WriteTo(w);

            var levels = e.RungLevels().Append(e.MaxT).Distinct().Order().ToList();
            w.WritePropertyName("rung_levels");
            w.WriteStartArray();
            foreach (var l in levels)
            {
                w.WriteNumberValue(l);
            }
            w.WriteEndArray();

            Trials(w, e, levels);

            var best = e.BestSoFar();
            double end = Math.Max(e.ElapsedSeconds, e.Rows.Count > 0 ? e.Rows.Max(r => r.TunerTime) : 0);
            w.WritePropertyName("best_so_far");
            w.WriteStartObject();
            Column(w, "time", best.Select(p => p.Time).Append(best.Count > 0 ? Math.Max(end, best[^1].Time) : double.NaN).Take(best.Count > 0 ? best.Count + 1 : 0));
            Column(w, "value", best.Select(p => p.Value).Append(best.Count > 0 ? best[^1].Value : double.NaN).Take(best.Count > 0 ? best.Count + 1 : 0));
            w.WriteEndObject();

            w.WritePropertyName("rungs");
            w.WriteStartArray();
            foreach (var t in RungTimeline.Of(e))
            {
                w.WriteStartObject();
                w.WriteNumber("level", t.Level);
                w.WriteBoolean("max_t", t.Level == e.MaxT);
                var (ot, oc) = Steps(t.Changes);
                w.WritePropertyName("occupancy");
                w.WriteStartObject();
                Column(w, "time", ot.Append(Math.Max(end, ot.Count > 0 ? ot[^1] : 0)));
                Column(w, "count", oc.Append(oc.Count > 0 ? oc[^1] : 0));
                w.WriteEndObject();
                w.WritePropertyName("went_on");
                w.WriteStartObject();
                Column(w, "time", t.WentOn.Prepend(0).Append(Math.Max(end, t.WentOn.Count > 0 ? t.WentOn[^1] : 0)));
                Column(w, "count", Enumerable.Range(0, t.WentOn.Count + 1).Select(i => (double)i).Append(t.WentOn.Count));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Reports from index <paramref name="from"/> on (file order), columnar: trial, epoch, time, metric, decision.</summary>
    public static byte[] Reports(long version, Experiment e, int from)
    {
        from = Math.Clamp(from, 0, e.Rows.Count);
        var rows = e.Rows.Skip(from).ToList();
        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("version", version);
            w.WriteNumber("from", from);
            w.WriteNumber("to", e.Rows.Count);
            w.WriteString("metric", e.Metric);
            w.WritePropertyName("trial");
            w.WriteStartArray();
            foreach (var r in rows)
            {
                w.WriteNumberValue(r.TrialId);
            }
            w.WriteEndArray();
            w.WritePropertyName("epoch");
            w.WriteStartArray();
            foreach (var r in rows)
            {
                w.WriteNumberValue(r.Epoch);
            }
            w.WriteEndArray();
            Column(w, "time", rows.Select(r => r.TunerTime));
            Column(w, "value", rows.Select(r => r.Metrics.GetValueOrDefault(e.Metric, double.NaN)));
            w.WritePropertyName("decision");
            w.WriteStartArray();
            foreach (var r in rows)
            {
                w.WriteStringValue(r.Decision);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>One trial: config, every report with all metrics, decisions with times, checkpoint files, runtime state.</summary>
    public static byte[] Trial(Experiment e, TrialSummary summary, TrialRuntime? runtime, IReadOnlyList<(string Path, int Epoch, long Bytes)> files, string? runtimeProblem)
    {
        var rows = e.Rows.Where(r => r.TrialId == summary.TrialId).OrderBy(r => r.Epoch).ToList();
        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("experiment", e.Name);
            w.WriteNumber("trial_id", summary.TrialId);
            w.WriteString("status", runtime?.Status is "failed" ? "failed" : summary.Status);
            w.WriteString("metric", e.Metric);
            w.WriteString("mode", e.Mode);
            w.WriteString("resource_attr", e.ResourceAttr);
            w.WriteNumber("max_t", e.MaxT);
            w.WriteNumber("last_epoch", summary.LastEpoch);
            Num(w, "best", summary.BestValue);
            w.WriteNumber("best_epoch", summary.BestEpoch);
            Num(w, "last", summary.LastValue);
            w.WritePropertyName("config");
            w.WriteStartObject();
            foreach (var (k, v) in summary.Config)
            {
                w.WriteString(k, v);
            }
            w.WriteEndObject();
            w.WritePropertyName("reports");
            w.WriteStartArray();
            foreach (var r in rows)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", r.Epoch);
                Num(w, "tuner_time", r.TunerTime);
                Num(w, "worker_time", r.WorkerTime);
                w.WriteString("decision", r.Decision);
                w.WritePropertyName("metrics");
                w.WriteStartObject();
                foreach (var (k, v) in r.Metrics)
                {
                    if (k != ResultsSchema.RetrainedEpochs)
                    {
                        Num(w, k, v);
                    }
                }
                w.WriteEndObject();
                w.WriteNumber("retrained_epochs", (int)r.Metrics.GetValueOrDefault(ResultsSchema.RetrainedEpochs, 0));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WritePropertyName("checkpoint_files");
            w.WriteStartArray();
            foreach (var (path, epoch, bytes) in files)
            {
                w.WriteStartObject();
                w.WriteString("path", path);
                w.WriteNumber("epoch", epoch);
                w.WriteNumber("bytes", bytes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("runtime_problem", runtimeProblem);
            w.WritePropertyName("runtime");
            if (runtime is null)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStartObject();
                w.WriteString("status", runtime.Status);
                w.WriteString("error", runtime.Error);
                w.WriteString("stop_reason", runtime.StopReason);
                w.WriteString("silo", runtime.Silo);
                w.WriteNumber("activations", runtime.Activations);
                w.WriteNumber("paused_at", runtime.PausedAt);
                w.WriteNumber("retrained_epochs", runtime.RetrainedEpochs);
                w.WriteNumber("retrained_from_scratch", runtime.RetrainedFromScratch);
                w.WriteString("source", runtime.Source);
                w.WritePropertyName("checkpoint");
                if (runtime.Checkpoint is { } c)
                {
                    w.WriteStartObject();
                    w.WriteString("location", Secrets.RedactText(c.Location));
                    w.WriteNumber("epoch", c.Epoch);
                    w.WriteNumber("bytes", c.Bytes);
                    w.WriteString("sha256", c.Sha256);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNullValue();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });
    }

    private static void Trials(Utf8JsonWriter w, Experiment e, List<int> levels)
    {
        var trials = e.Trials();
        var retrained = new Dictionary<int, int>();
        foreach (var r in e.Rows)
        {
            if (r.Metrics.TryGetValue(ResultsSchema.RetrainedEpochs, out var n) && n > 0)
            {
                retrained[r.TrialId] = retrained.GetValueOrDefault(r.TrialId) + (int)n;
            }
        }
        var names = trials.SelectMany(t => t.Config.Keys).Distinct().ToList();
        w.WritePropertyName("table");
        w.WriteStartObject();
        w.WriteNumber("count", trials.Count);
        w.WritePropertyName("trial_id");
        w.WriteStartArray();
        foreach (var t in trials)
        {
            w.WriteNumberValue(t.TrialId);
        }
        w.WriteEndArray();
        w.WritePropertyName("status");
        w.WriteStartArray();
        foreach (var t in trials)
        {
            w.WriteStringValue(t.Status);
        }
        w.WriteEndArray();
        Column(w, "epoch", trials.Select(t => (double)t.LastEpoch));
        Column(w, "rung", trials.Select(t => (double)levels.LastOrDefault(l => l <= t.LastEpoch)));
        Column(w, "best", trials.Select(t => t.BestValue));
        Column(w, "last", trials.Select(t => t.LastValue));
        Column(w, "first_time", trials.Select(t => t.FirstTime));
        Column(w, "last_time", trials.Select(t => t.LastTime));
        Column(w, "retrained_epochs", trials.Select(t => (double)retrained.GetValueOrDefault(t.TrialId)));
        w.WritePropertyName("config");
        w.WriteStartObject();
        foreach (var name in names)
        {
            var values = trials.Select(t => t.Config.GetValueOrDefault(name) ?? "").ToList();
            bool numeric = values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            if (numeric)
            {
                Column(w, name, values.Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)));
            }
            else
            {
                w.WritePropertyName(name);
                w.WriteStartArray();
                foreach (var v in values)
                {
                    w.WriteStringValue(v);
                }
                w.WriteEndArray();
            }
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Name, status, scheduler, searcher, counts, best, elapsed and budget from metadata.json.</summary>
    private static void Summary(Utf8JsonWriter w, JsonObject m)
    {
        var spec = m["spec"] as JsonObject;
        var metric = m["metric_names"]?[0]?.GetValue<string>() ?? "";
        w.WriteString("status", Str(m, "status") ?? "unknown");
        w.WriteBoolean("simulated", m["simulated"] is JsonValue sv && sv.TryGetValue<bool>(out var sim) && sim);
        w.WriteString("scheduler", Str(m, "scheduler_name"));
        w.WriteString("searcher", spec?["searcher"]?["type"] is JsonValue st && st.TryGetValue<string>(out var s) ? s : "random");
        w.WriteString("trainable", Str(m, "trainable"));
        w.WriteString("metric", metric);
        w.WriteString("mode", Str(m, "metric_mode") ?? "min");
        w.WriteNumber("n_workers", Int(m, "n_workers"));
        w.WriteString("stop_reason", Str(m, "stop_reason"));
        double elapsed = Dbl(m, "elapsed_seconds") ?? 0;
        Num(w, "elapsed_seconds", elapsed);
        Num(w, "created", Dbl(m, "st_tuner_creation_timestamp") ?? double.NaN);
        w.WritePropertyName("trials");
        w.WriteStartObject();
        int started = Int(m, "num_trials_started");
        w.WriteNumber("started", started);
        w.WriteNumber("running", Int(m, "num_trials_running"));
        w.WriteNumber("paused", Int(m, "num_trials_paused"));
        w.WriteNumber("stopped", Int(m, "num_trials_stopped"));
        w.WriteNumber("completed", Int(m, "num_trials_completed"));
        w.WriteNumber("failed", Int(m, "num_trials_failed"));
        w.WriteNumber("promotions", Int(m, "num_promotions"));
        w.WriteEndObject();
        w.WritePropertyName("best");
        if (m["best"] is JsonObject b && Dbl(b, metric) is { } bv)
        {
            w.WriteStartObject();
            w.WriteNumber("trial_id", Int(b, "trial_id"));
            w.WriteNumber("epoch", Int(b, "epoch"));
            Num(w, "value", bv);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
        }
        // Budget: each stop criterion's share used; the largest is what ends the experiment first.
        var stop = spec?["stop"] as JsonObject;
        w.WritePropertyName("budget");
        w.WriteStartObject();
        double used = 0;
        if (Dbl(stop, "max_wallclock_seconds") is { } wall && wall > 0)
        {
            Num(w, "max_wallclock_seconds", wall);
            used = Math.Max(used, elapsed / wall);
        }
        if (Dbl(stop, "max_trials_started") is { } mts && mts > 0)
        {
            Num(w, "max_trials_started", mts);
            used = Math.Max(used, started / mts);
        }
        if (Dbl(stop, "max_trials_completed") is { } mtc && mtc > 0)
        {
            Num(w, "max_trials_completed", mtc);
            used = Math.Max(used, Int(m, "num_trials_completed") / mtc);
        }
        Num(w, "used", Math.Min(1, used));
        w.WriteEndObject();
    }

    private static (List<double> Time, List<double> Count) Steps(IReadOnlyList<(double Time, int Delta)> changes)
    {
        var time = new List<double>(changes.Count + 1) { 0 };
        var count = new List<double>(changes.Count + 1) { 0 };
        int n = 0;
        foreach (var (t, d) in changes)
        {
            n += d;
            time.Add(t);
            count.Add(n);
        }
        return (time, count);
    }

    private static void Column(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WritePropertyName(name);
        w.WriteStartArray();
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                w.WriteNumberValue(Math.Round(v, 9));
            }
            else
            {
                w.WriteNullValue();
            }
        }
        w.WriteEndArray();
    }

    private static void Num(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Copy(Utf8JsonWriter w, JsonObject m, string from, string to)
    {
        if (Dbl(m, from) is { } v)
        {
            w.WriteNumber(to, v);
        }
    }

    private static string? Str(JsonObject m, string key) => m[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int Int(JsonObject? m, string key) => m?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? (int)d : 0;

    private static double? Dbl(JsonObject? m, string key) => m?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            body(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
