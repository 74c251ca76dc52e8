using System.Text.Json.Nodes;
using OrleansHpo.Bench.Netns;

namespace OrleansHpo.Tests.Netns;

/// <summary>
/// The partition checker (bench/OrleansHpo.Bench.Netns/Invariants.cs) on crafted results and silo logs: a clean run
/// passes, and each invariant is broken once on purpose and named in the violations.
/// </summary>
public sealed class InvariantCheckerTests
{
    private static readonly DateTime Day = new(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc);
    private const string A = "S10.231.0.11:11111:1";
    private const string B = "S10.231.0.12:11111:1";

    private static string Begin(string at, int trial, int run, string silo, int after, int to, int fence) =>
        $"{at} info: OrleansHpo.Grains.TrialGrain[0] Trial {trial} run {run} begins on {silo} after epoch {after}, trains to {to} (fence {fence})";

    private static string End(string at, int trial, int run, string silo, string outcome) =>
        $"{at} info: OrleansHpo.Grains.TrialGrain[0] Trial {trial} run {run} ends on {silo}: {outcome}";

    private static string Rec(string at, int trial, int run, string silo, int first, int last, int fence) =>
        $"{at} dbug: OrleansHpo.Grains.TrialGrain[0] Trial {trial} run {run} recorded epochs {first}-{last} on {silo} (fence {fence})";

    private static JsonNode Metadata(int started, string status = "completed", int running = 0, int failed = 0) => JsonNode.Parse(
        $$"""{ "status": "{{status}}", "num_trials_started": {{started}}, "num_trials_running": {{running}}, "num_trials_failed": {{failed}}, "checkpoint_removal": "none" }""")!;

    private const string Header = "trial_id,st_tuner_time,st_worker_time,st_decision,epoch,loss";

    private static string[] Csv(params (int Trial, int Epoch, string Decision)[] rows) =>
        [Header, .. rows.Select(r => $"{r.Trial},0,0,{r.Decision},{r.Epoch},0.5")];

    private static InvariantReport Check(string[] csv, JsonNode metadata, HashSet<(int, int)> checkpoints, string[] logA, string[] logB, params Fault[] faults)
    {
        var a = SiloLog.Parse("silo1", logA, Day);
        var b = SiloLog.Parse("silo2", logB, Day);
        return Invariants.Check(csv, metadata, checkpoints, [.. a.Runs, .. b.Runs], [.. a.Recorded, .. b.Recorded], [.. a.Rejected, .. b.Rejected],
            faults, TimeSpan.FromSeconds(10));
    }

    // Trial 0 trains on silo1 to epoch 2, the silo is cut off at 10:00:05, the trial resumes on silo2 (fence 2) and completes.
    private static readonly string[] CleanA =
    [
        "10:00:00.000 info: OrleansHpo.Silo[0] Silo silo1 active in cluster t: silo port 1, gateway port 2",
        Begin("10:00:01.000", 0, 1, A, 0, 3, 1),
        Rec("10:00:02.000", 0, 1, A, 1, 1, 1),
        Rec("10:00:03.000", 0, 1, A, 2, 2, 1),
        "10:00:20.000 warn: OrleansHpo.Grains.TrialGrain[0] Trial 0: stale run 1 stops without writing (fence 2 claimed)",
        End("10:00:20.001", 0, 1, A, "stale"),
    ];

    private static readonly string[] CleanB =
    [
        "10:00:00.000 info: OrleansHpo.Silo[0] Silo silo2 active in cluster t: silo port 1, gateway port 2",
        Begin("10:00:09.000", 0, 1, B, 2, 3, 2),
        Rec("10:00:10.000", 0, 1, B, 3, 3, 2),
        End("10:00:10.001", 0, 1, B, "Stop"),
    ];

    private static readonly Fault Cut = new("isolate", "1", Day.AddHours(10).AddSeconds(5), Day.AddHours(10).AddSeconds(30));

    [Fact]
    public void A_clean_run_with_a_fenced_stale_run_passes_and_counts_what_it_saw()
    {
        var report = Check(Csv((0, 1, "CONTINUE"), (0, 2, "CONTINUE"), (0, 3, "STOP")), Metadata(1), [], CleanA, CleanB, Cut);
        Assert.True(report.Ok, string.Join('\n', report.Lines()));
        Assert.Equal(2, report.Runs);
        Assert.Equal(1, report.RejectedStaleWrites);
        Assert.Equal(1, report.OverlappingRawRuns); // the stale run lived on, fenced: counted, not a violation
    }

    [Fact]
    public void A_started_trial_without_reports_a_gap_a_failed_trial_or_a_paused_trial_without_checkpoint_is_lost()
    {
        var report = Check(Csv((0, 1, "CONTINUE"), (0, 3, "STOP"), (1, 1, "PAUSE")), Metadata(3, failed: 1), [], CleanA, CleanB, Cut);
        var lost = report.Violations.Where(v => v.Invariant == "trial-lost").Select(v => v.Detail).ToList();
        Assert.Contains(lost, d => d.Contains("trial 0 epochs 1 3 have a gap", StringComparison.Ordinal));
        Assert.Contains(lost, d => d.Contains("trial 1 is paused at epoch 1 without a checkpoint", StringComparison.Ordinal));
        Assert.Contains(lost, d => d.Contains("trial 2 started but has no report", StringComparison.Ordinal));
        Assert.Contains(lost, d => d.Contains("1 trial(s) failed", StringComparison.Ordinal));
        // With its checkpoint the paused trial is resumable.
        var withCheckpoint = Check(Csv((0, 1, "CONTINUE"), (0, 2, "CONTINUE"), (0, 3, "STOP"), (1, 1, "PAUSE")), Metadata(2), [(1, 1)], CleanA, CleanB, Cut);
        Assert.True(withCheckpoint.Ok, string.Join('\n', withCheckpoint.Lines()));
    }

    [Fact]
    public void A_paused_trial_promoted_and_then_stopped_by_the_experiments_end_needs_no_checkpoint()
    {
        string[] b = [CleanB[0], Begin("10:00:11.000", 1, 2, B, 0, 1, 1), Rec("10:00:12.000", 1, 2, B, 1, 1, 1), End("10:00:12.001", 1, 2, B, "Pause"),
            Begin("10:00:13.000", 1, 3, B, 1, 3, 2), End("10:00:13.500", 1, 3, B, "cancelled"), .. CleanB[1..]];
        var report = Check(Csv((0, 1, "CONTINUE"), (0, 2, "CONTINUE"), (0, 3, "STOP"), (1, 1, "PAUSE")), Metadata(2), [], CleanA, b, Cut);
        Assert.True(report.Ok, string.Join('\n', report.Lines()));
    }

    [Fact]
    public void A_trial_epoch_reported_twice_is_a_duplicate()
    {
        var report = Check(Csv((0, 1, "CONTINUE"), (0, 2, "CONTINUE"), (0, 2, "CONTINUE"), (0, 3, "STOP")), Metadata(1), [], CleanA, CleanB, Cut);
        Assert.Equal("duplicate-report", Assert.Single(report.Violations).Invariant);
    }

    [Fact]
    public void Two_runs_recording_at_overlapping_times_overlap_and_the_older_ones_late_write_was_accepted()
    {
        // Silo1's run records epoch 3 at 10:00:12, after silo2's run (fence 2) began at 10:00:09.
        string[] a = [.. CleanA.Take(4), Rec("10:00:12.000", 0, 1, A, 3, 3, 1), End("10:00:12.001", 0, 1, A, "Stop")];
        var report = Check(Csv((0, 1, "CONTINUE"), (0, 2, "CONTINUE"), (0, 3, "STOP")), Metadata(1), [], a, CleanB, Cut);
        Assert.Contains(report.Violations, v => v.Invariant == "overlapping-runs");
        Assert.Contains(report.Violations, v => v.Invariant == "stale-write-accepted" && v.Detail.Contains("fence 1", StringComparison.Ordinal));
    }

    [Fact]
    public void An_experiment_not_completed_after_the_heal_is_named()
    {
        var report = Check(Csv((0, 1, "CONTINUE"), (0, 2, "CONTINUE"), (0, 3, "STOP")), Metadata(1, status: "running", running: 1), [], CleanA, CleanB, Cut);
        Assert.Equal("not-completed", Assert.Single(report.Violations).Invariant);
    }

    [Fact]
    public void A_trial_of_a_cut_off_silo_that_never_ran_elsewhere_is_named()
    {
        // The trial only continues on silo1 after the heal: it waited for the partition instead of moving.
        string[] a = [.. CleanA.Take(4), Rec("10:00:31.000", 0, 1, A, 3, 3, 1), End("10:00:31.001", 0, 1, A, "Stop")];
        var report = Check(Csv((0, 1, "CONTINUE"), (0, 2, "CONTINUE"), (0, 3, "STOP")), Metadata(1), [], a, CleanB[..1], Cut);
        Assert.Equal("not-resumed-elsewhere", Assert.Single(report.Violations).Invariant);
    }

    [Fact]
    public void A_run_without_an_end_line_ends_when_its_silo_process_is_replaced()
    {
        string[] log =
        [
            "23:59:58.000 info: OrleansHpo.Silo[0] Silo silo1 active in cluster t",
            Begin("23:59:59.000", 4, 2, A, 0, 1, 1),
            Rec("23:59:59.500", 4, 2, A, 1, 1, 1),
            "00:00:01.000 info: OrleansHpo.Silo[0] Silo silo1 active in cluster t", // killed and restarted, past midnight
        ];
        var parsed = SiloLog.Parse("silo1", log, Day);
        var run = Assert.Single(parsed.Runs);
        Assert.Equal("process ended", run.Outcome);
        Assert.Equal(Day.AddHours(23).AddMinutes(59).AddSeconds(59.5), run.End);
        Assert.Equal(2, parsed.ProcessStarts.Count);
        Assert.Equal(Day.AddDays(1).AddSeconds(1), parsed.ProcessStarts[1].At);
    }

    [Fact]
    public void Epochs_recomputed_count_what_a_run_redoes_behind_the_last_recorded_epoch()
    {
        // Silo2's run resumes after epoch 1 while epoch 2 was already recorded: 1 epoch recomputed.
        string[] b = [CleanB[0], Begin("10:00:09.000", 0, 1, B, 1, 3, 2), Rec("10:00:10.000", 0, 1, B, 3, 3, 2), End("10:00:10.001", 0, 1, B, "Stop")];
        var report = Check(Csv((0, 1, "CONTINUE"), (0, 2, "CONTINUE"), (0, 3, "STOP")), Metadata(1), [], CleanA, b, Cut);
        Assert.Equal(1, report.EpochsRecomputed);
    }
}
