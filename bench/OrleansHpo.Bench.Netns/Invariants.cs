using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansHpo.Bench.Netns;

/// <summary>One broken invariant: its name (see <see cref="Invariants"/>) and what was seen.</summary>
public sealed record Violation(string Invariant, string Detail);

/// <summary>What a checked run did: the violations (target: none) and figures for the benchmark.</summary>
public sealed record InvariantReport(
    IReadOnlyList<Violation> Violations, int Runs, int RejectedStaleWrites, int RejectedUnreachable, int EpochsRecomputed,
    int OverlappingRawRuns, IReadOnlyList<double> HealToProgressSeconds)
{
    public bool Ok => Violations.Count == 0;

    public IEnumerable<string> Lines()
    {
        yield return FormattableString.Invariant(
            $"runs {Runs}, stale writes rejected {RejectedStaleWrites}, writes refused (store unreachable) {RejectedUnreachable}, epochs recomputed {EpochsRecomputed}, runs overlapping in time (fenced) {OverlappingRawRuns}");
        if (HealToProgressSeconds.Count > 0)
        {
            yield return FormattableString.Invariant(
                $"heal -> the silo records reports again: max {HealToProgressSeconds.Max():F1} s, mean {HealToProgressSeconds.Average():F1} s over {HealToProgressSeconds.Count} heals");
        }
        yield return $"invariant violations: {Violations.Count}";
        foreach (var v in Violations)
        {
            yield return $"  {v.Invariant}: {v.Detail}";
        }
    }
}

/// <summary>
/// The guarantees a run must keep under partitions, kills and slow links (docs/cluster.md, "Separate hosts"),
/// checked after the run from what it left: results.csv, metadata.json, the checkpoint folder and the silos' logs.
/// <list type="bullet">
/// <item><c>trial-lost</c>: every started trial (but the last <c>tailWithoutReports</c>, which a wall-clock stop may end before their first epoch) has reports 1..k without a gap, a paused trial a checkpoint of its last epoch, none failed.</item>
/// <item><c>duplicate-report</c>: no (trial, epoch) twice in results.csv.</item>
/// <item><c>overlapping-runs</c>: no two runs of a trial made progress at overlapping times (a run's progress: from its
/// begin to its last accepted report batch); runs that merely overlap while the older one is fenced off are counted, not violations.</item>
/// <item><c>stale-write-accepted</c>: no report batch of a run accepted after a newer run (higher fence) of that trial began.</item>
/// <item><c>not-completed</c>: the experiment completed (after the heal), nothing left running.</item>
/// <item><c>not-resumed-elsewhere</c>: a trial training on a silo that was cut off (isolate, kill, pause) for longer than the
/// detection grace began a run on another silo before the heal.</item>
/// </list>
/// </summary>
public static class Invariants
{
    public static InvariantReport Check(string experimentDir, IReadOnlyList<string> siloLogs, IReadOnlyList<Fault> faults, DateTime day, TimeSpan grace, int tailWithoutReports = 0)
    {
        var parsed = siloLogs.Select(path => SiloLog.Parse(Path.GetFileNameWithoutExtension(path), File.ReadLines(path), day)).ToList();
        var results = File.Exists(Path.Combine(experimentDir, "results.csv")) ? File.ReadAllLines(Path.Combine(experimentDir, "results.csv")) : [];
        var metadata = File.Exists(Path.Combine(experimentDir, "metadata.json"))
            ? JsonNode.Parse(File.ReadAllText(Path.Combine(experimentDir, "metadata.json")))
            : null;
        return Check(results, metadata, Checkpoints(Path.Combine(experimentDir, "checkpoints")),
            [.. parsed.SelectMany(p => p.Runs)], [.. parsed.SelectMany(p => p.Recorded)], [.. parsed.SelectMany(p => p.Rejected)], faults, grace, tailWithoutReports);
    }

    /// <summary>(trial, epoch) of every checkpoint file under checkpoints/trial-N/epoch-E.fence-F.ckpt.</summary>
    public static HashSet<(int Trial, int Epoch)> Checkpoints(string folder)
    {
        var set = new HashSet<(int, int)>();
        if (!Directory.Exists(folder))
        {
            return set;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.ckpt", SearchOption.AllDirectories))
        {
            var trial = Path.GetFileName(Path.GetDirectoryName(file)!);
            var name = Path.GetFileName(file).Split('.');
            if (trial.StartsWith("trial-", StringComparison.Ordinal) && name.Length == 3 && name[0].StartsWith("epoch-", StringComparison.Ordinal)
                && int.TryParse(trial["trial-".Length..], CultureInfo.InvariantCulture, out var t) && int.TryParse(name[0]["epoch-".Length..], CultureInfo.InvariantCulture, out var e))
            {
                set.Add((t, e));
            }
        }
        return set;
    }

    public static InvariantReport Check(
        IReadOnlyList<string> resultsCsv, JsonNode? metadata, HashSet<(int Trial, int Epoch)> checkpoints,
        IReadOnlyList<RunSpan> runs, IReadOnlyList<Recorded> recorded, IReadOnlyList<Rejected> rejected,
        IReadOnlyList<Fault> faults, TimeSpan grace, int tailWithoutReports = 0)
    {
        var violations = new List<Violation>();
        void Fail(string invariant, string detail) => violations.Add(new Violation(invariant, detail));

        // results.csv: trial_id, ..., st_decision (3), epoch (4)
        var header = resultsCsv.Count > 0 ? resultsCsv[0].Split(',') : [];
        int decisionColumn = Array.IndexOf(header, "st_decision");
        int epochColumn = Array.IndexOf(header, "epoch");
        var rows = resultsCsv.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .Select(c => (Trial: int.Parse(c[0], CultureInfo.InvariantCulture), Epoch: int.Parse(c[epochColumn], CultureInfo.InvariantCulture), Decision: decisionColumn >= 0 ? c[decisionColumn] : ""))
            .ToList();

        foreach (var dup in rows.GroupBy(r => (r.Trial, r.Epoch)).Where(g => g.Count() > 1))
        {
            Fail("duplicate-report", $"trial {dup.Key.Trial} epoch {dup.Key.Epoch} reported {dup.Count()} times");
        }

        int started = metadata?["num_trials_started"]?.GetValue<int>() ?? 0;
        if (metadata is null)
        {
            Fail("not-completed", "no metadata.json");
        }
        else
        {
            var status = metadata["status"]?.GetValue<string>();
            int running = metadata["num_trials_running"]?.GetValue<int>() ?? -1;
            if (status != "completed" || running != 0)
            {
                Fail("not-completed", $"status {status}, {running} trials running");
            }
            if ((metadata["num_trials_failed"]?.GetValue<int>() ?? 0) is > 0 and var failed)
            {
                Fail("trial-lost", $"{failed} trial(s) failed (a fault must not fail a trial)");
            }
        }
        bool checkpointsKept = metadata?["checkpoint_removal"]?.GetValue<string>() is null or "none";
        var byTrial = rows.GroupBy(r => r.Trial).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Epoch).ToList());
        for (int t = 0; t < started; t++)
        {
            if (!byTrial.TryGetValue(t, out var reports))
            {
                if (t >= started - tailWithoutReports)
                {
                    continue; // among the last started when a wall-clock limit stopped the experiment: may not have trained
                }
                Fail("trial-lost", $"trial {t} started but has no report");
                continue;
            }
            var epochs = reports.Select(r => r.Epoch).Distinct().Order().ToList();
            if (!epochs.SequenceEqual(Enumerable.Range(1, epochs.Count)))
            {
                Fail("trial-lost", $"trial {t} epochs {string.Join(' ', epochs)} have a gap");
            }
            var lastRow = reports[^1];
            // Paused for good: no run began after its last accepted batch (a promoted trial that the experiment's
            // stop cancelled mid-run is stopped, and its checkpoint removed, without another row).
            var lastBatch = recorded.Where(r => r.Trial == t).Select(r => r.At).DefaultIfEmpty(DateTime.MinValue).Max();
            bool resumedLater = runs.Any(r => r.Trial == t && r.Begin > lastBatch && lastBatch != DateTime.MinValue);
            if (checkpointsKept && lastRow.Decision == "PAUSE" && !resumedLater && !checkpoints.Contains((t, lastRow.Epoch)))
            {
                Fail("trial-lost", $"trial {t} is paused at epoch {lastRow.Epoch} without a checkpoint of it (cannot resume)");
            }
        }

        // Progress intervals: a run's begin to its last accepted batch.
        var progress = runs.Select(run =>
        {
            var mine = recorded.Where(r => r.Trial == run.Trial && r.Fence == run.Fence && r.Silo == run.Silo && r.At >= run.Begin && r.At <= run.End).ToList();
            return (Run: run, Until: mine.Count > 0 ? mine.Max(r => r.At) : (DateTime?)null);
        }).ToList();
        int overlappingRaw = 0;
        foreach (var trial in progress.GroupBy(p => p.Run.Trial))
        {
            var list = trial.OrderBy(p => p.Run.Begin).ToList();
            for (int i = 0; i < list.Count; i++)
            {
                for (int j = i + 1; j < list.Count; j++)
                {
                    var (a, b) = (list[i], list[j]);
                    if (b.Run.Begin < a.Run.End)
                    {
                        overlappingRaw++;
                    }
                    if (a.Until is { } aUntil && b.Until is not null && b.Run.Begin < aUntil)
                    {
                        Fail("overlapping-runs", FormattableString.Invariant(
                            $"trial {trial.Key}: run {a.Run.RunId} (fence {a.Run.Fence}, {a.Run.Log}) recorded until {aUntil:HH:mm:ss.fff} while run {b.Run.RunId} (fence {b.Run.Fence}, {b.Run.Log}) began at {b.Run.Begin:HH:mm:ss.fff}"));
                    }
                }
            }
        }

        foreach (var batch in recorded)
        {
            var newer = runs.Where(r => r.Trial == batch.Trial && r.Fence > batch.Fence && r.Begin < batch.At).OrderBy(r => r.Begin).FirstOrDefault();
            if (newer is not null)
            {
                Fail("stale-write-accepted", FormattableString.Invariant(
                    $"trial {batch.Trial}: epochs {batch.First}-{batch.Last} of fence {batch.Fence} ({batch.Log}) accepted at {batch.At:HH:mm:ss.fff}, after fence {newer.Fence} began at {newer.Begin:HH:mm:ss.fff} ({newer.Log})"));
            }
        }

        foreach (var fault in faults.Where(f => f.CutsSiloOff && f.Healed - f.Applied > grace))
        {
            var log = "silo" + fault.Target;
            var hit = runs.Where(r => r.Log == log && r.Begin < fault.Applied && r.End > fault.Applied).Select(r => r.Trial).Distinct();
            foreach (var trial in hit)
            {
                // Finished (completed/stopped) before the fault? Then nothing needed to move.
                bool endedEarlier = byTrial.TryGetValue(trial, out var reports) && reports[^1].Decision is "STOP" or "COMPLETED"
                    && recorded.Where(r => r.Trial == trial).Select(r => r.At).DefaultIfEmpty().Max() < fault.Applied;
                bool resumed = runs.Any(r => r.Trial == trial && r.Log != log && r.Begin > fault.Applied && r.Begin <= fault.Healed + grace);
                if (!endedEarlier && !resumed)
                {
                    Fail("not-resumed-elsewhere", FormattableString.Invariant(
                        $"trial {trial} trained on silo {fault.Target} when it was cut off ({fault.Kind} {fault.Applied:HH:mm:ss}-{fault.Healed:HH:mm:ss}) and began no run elsewhere"));
                }
            }
        }

        // Epochs recomputed: a run that begins after epoch E while the trial already had epoch L > E recorded redoes L - E.
        int recomputed = 0;
        foreach (var run in runs)
        {
            int before = recorded.Where(r => r.Trial == run.Trial && r.At < run.Begin).Select(r => r.Last).DefaultIfEmpty(0).Max();
            recomputed += Math.Max(0, before - run.ResumeFrom);
        }

        var healToProgress = new List<double>();
        foreach (var fault in faults.Where(f => f.Target != "client"))
        {
            var log = "silo" + fault.Target;
            var next = recorded.Where(r => r.Log == log && r.At >= fault.Healed).Select(r => r.At).DefaultIfEmpty(DateTime.MaxValue).Min();
            if (next != DateTime.MaxValue)
            {
                healToProgress.Add((next - fault.Healed).TotalSeconds);
            }
        }

        return new InvariantReport(violations, runs.Count, rejected.Count(r => r.Reason == "stale"), rejected.Count(r => r.Reason != "stale"),
            recomputed, overlappingRaw, healToProgress);
    }
}
