namespace OrleansHpo.Tests.Scheduling;

/// <summary>
/// <see cref="ExperimentScheduler"/> on hand-worked traces, one worker, no silo: trial i reports values[i] at every
/// epoch (mode min), grace 1, eta 3, max_t 9, so the rungs are at 1 and 3 and every quantile is 1/3.
/// Cutoffs are numpy's linear quantile (docs/scheduler-comparison.md).
/// </summary>
public sealed class ExperimentSchedulerTests
{
    private static List<string> Run(string scheduler, int trials, params double[] values) =>
        new SchedulerHarness(SchedulerHarness.Spec(scheduler, trials), i => values[i]).Run();

    /// <summary>The trace without the epochs that continue (every other line is a decision or a slot change).</summary>
    private static List<string> Decisions(List<string> trace) => [.. trace.Where(t => !t.EndsWith(" CONTINUE", StringComparison.Ordinal))];

    // Hyperband with 2 brackets (grace 1, eta 3, max_t 9): bracket 0 starts at level 1, bracket 1 at level 3. Brackets
    // are sampled per trial id from the searcher seed (SchedulerLayout.BracketForTrial); with seed 1, trials 0..5 get
    // b1 b1 b0 b1 b0 b0 (the start lines assert it) and trial id 6 (asked once max_trials_started is reached) gets b0.
    // Values by trial: 5 2 4 1 3 0 (mode min). Cutoffs are numpy's linear quantile at 1/3: with n entries sorted,
    // h = (n - 1) / 3 between entries floor(h) and floor(h) + 1. R1, R3 name the rungs at levels 1 and 3.
    private const string Hyperband2 = """{ "type": "hyperband", "variant": "promotion", "brackets": 2 }""";

    [Fact]
    public void Asha_promotion_promotes_the_best_paused_trial_highest_rung_first_and_starts_new_trials_otherwise()
    {
        var trace = Run("""{ "type": "asha", "variant": "promotion" }""", 4, 5, 3, 4, 1);
        Assert.Equal(
        [
            "start 0 b0 ->1", "0@1 PAUSE", "end 0 Paused",          // rung 1: [5], fewer than 2 entries: no cutoff
            "start 1 b0 ->1", "1@1 PAUSE", "end 1 Paused",          // rung 1: [3, 5], cutoff 3.67: 3 is promotable
            "promote 1 ->3 (rung 0/1)", "1@2 CONTINUE", "1@3 PAUSE", "end 1 Paused",
            "start 2 b0 ->1", "2@1 PAUSE", "end 2 Paused",          // rung 3: [3] no cutoff; rung 1 best unpromoted 5 > 3.67
            "start 3 b0 ->1", "3@1 PAUSE", "end 3 Paused",          // rung 1: [1, 3, 4, 5] cutoff 3: 1 goes
            "promote 3 ->3 (rung 0/1)", "3@2 CONTINUE", "3@3 PAUSE", "end 3 Paused",
            // max_trials_started reached; rung 3: [1, 3] cutoff 1.67: trial 3 goes to max_t
            "promote 3 ->9 (rung 0/3)", "3@4 CONTINUE", "3@5 CONTINUE", "3@6 CONTINUE", "3@7 CONTINUE", "3@8 CONTINUE", "3@9 STOP", "end 3 Completed",
            // rung 3 best unpromoted 3 > 1.67; rung 1 [1p, 3p, 4, 5] cutoff 3: 4 > 3; nothing to do
            "finish: max_trials_started reached",
        ], trace);
    }

    [Theory]
    [InlineData(3, 3, false, "Failed", "all 3 trials failed")]
    [InlineData(3, 3, true, "Completed", null)] // a user stopped it: resume may go on after a fix
    [InlineData(3, 2, false, "Completed", null)]
    [InlineData(0, 0, false, "Completed", null)]
    public void An_experiment_whose_every_trial_failed_ends_failed(int started, int failed, bool stoppedOnRequest, string phase, string? error)
    {
        var harness = new SchedulerHarness(SchedulerHarness.Spec("""{ "type": "asha", "variant": "promotion" }""", trials: 3), _ => 1);
        harness.Book.Phase = ExperimentPhase.Running;
        harness.Book.Started = started;
        harness.Book.Failed = failed;
        harness.Scheduler.Finish(stoppedOnRequest);
        Assert.Equal(phase, harness.Book.Phase.ToString());
        Assert.Equal(error, harness.Book.Error);
    }

    [Fact]
    public void Asha_stopping_continues_within_the_cutoff_and_stops_above_it()
    {
        var trace = Run("""{ "type": "asha", "variant": "stopping" }""", 3, 5, 3, 4);
        Assert.Equal(
        [
            "start 0 b0 ->9", "0@1 CONTINUE", "0@2 CONTINUE", "0@3 CONTINUE", "0@4 CONTINUE", "0@5 CONTINUE", "0@6 CONTINUE", "0@7 CONTINUE", "0@8 CONTINUE", "0@9 STOP", "end 0 Completed",
            // rung 1: [3, 5] cutoff 3.67, 3 continues; rung 3: [3, 5] the same
            "start 1 b0 ->9", "1@1 CONTINUE", "1@2 CONTINUE", "1@3 CONTINUE", "1@4 CONTINUE", "1@5 CONTINUE", "1@6 CONTINUE", "1@7 CONTINUE", "1@8 CONTINUE", "1@9 STOP", "end 1 Completed",
            // rung 1: [3, 4, 5] cutoff 3.67: 4 stops
            "start 2 b0 ->9", "2@1 STOP", "end 2 Stopped",
            "finish: max_trials_started reached",
        ], trace);
    }

    [Fact]
    public void Fifo_trains_every_trial_to_max_t()
    {
        var trace = Run("""{ "type": "fifo" }""", 2, 2, 1);
        Assert.Equal(23, trace.Count); // per trial: start, 9 epochs, end; then finish
        Assert.Equal(["end 0 Completed", "end 1 Completed"], trace.Where(t => t.StartsWith("end", StringComparison.Ordinal)));
        Assert.Equal("finish: max_trials_started reached", trace[^1]);
    }

    [Fact]
    public void Sync_successive_halving_fills_a_rung_then_promotes_its_top_and_starts_a_new_bracket_when_idle()
    {
        // sync-sh, grace 1, eta 3, max_t 9: s_max = 2, bracket 0 has rungs of 9 (level 1), 3 (level 3), 1 (level 9).
        var values = Enumerable.Range(0, 12).Select(i => (double)((i * 7) % 12)).ToArray(); // 0, 7, 2, 9, 4, 11, 6, 1, 8, 3, 10, 5
        var h = new SchedulerHarness(SchedulerHarness.Spec("""{ "type": "sync-sh" }""", 12), i => values[i]);
        var trace = h.Run();
        var starts = trace.Where(t => t.StartsWith("start", StringComparison.Ordinal)).ToList();
        Assert.Equal(12, starts.Count);
        Assert.All(starts.Take(9), s => Assert.EndsWith("b0 ->1", s));      // nine trials fill rung 1 of instance 0
        // Only then are the top 3 of rung 1 (values 0, 1, 2: trials 0, 7, 2) promoted, best first.
        var promotions = trace.Where(t => t.StartsWith("promote", StringComparison.Ordinal)).ToList();
        Assert.Equal("promote 0 ->3 (rung 0/1)", promotions[0]);
        Assert.Equal("promote 7 ->3 (rung 0/1)", promotions[1]);
        Assert.Equal("promote 2 ->3 (rung 0/1)", promotions[2]);
        Assert.Equal("promote 0 ->9 (rung 0/3)", promotions[3]); // the best of rung 3 reaches max_t
        Assert.True(trace.IndexOf("start 8 b0 ->1") < trace.IndexOf(promotions[0]));
        Assert.Contains("start 9 b1 ->1", trace); // workers never wait: the next instance starts once instance 0 is handed out
        Assert.Equal("finish: max_trials_started reached", trace[^1]);
    }

    [Fact]
    public void Hyperband_shares_its_rungs_across_brackets_by_default()
    {
        const string scheduler = """{ "type": "hyperband", "variant": "promotion", "brackets": 2 }""";
        var shared = new SchedulerHarness(SchedulerHarness.Spec(scheduler, 8), i => 8 - i);
        Assert.True(shared.Layout.SharedRungs);
        // A trial of bracket 1 starts at the rung of level 3 and pauses in the same rung grain as bracket 0's trials.
        Assert.Equal([1, 3], shared.Layout.AsyncRungs(0).Select(r => r.Level));
        Assert.Equal([3], shared.Layout.AsyncRungs(1).Select(r => r.Level));
        Assert.Equal(shared.Layout.AsyncRungs(0)[1], shared.Layout.AsyncRungs(1)[0]);
        var trace = shared.Run();
        var bracket1 = trace.First(t => t.StartsWith("start", StringComparison.Ordinal) && t.Contains(" b1 ", StringComparison.Ordinal));
        var id = int.Parse(bracket1.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith("->3", bracket1);
        Assert.Contains($"{id}@3 PAUSE", trace);
        Assert.DoesNotContain(trace, t => t.Contains("(rung 1/", StringComparison.Ordinal)); // one rung system: 0
        Assert.Equal("finish: max_trials_started reached", trace[^1]);

        var perBracket = new SchedulerHarness(SchedulerHarness.Spec(scheduler.Replace("}", ", \"rung_system_per_bracket\": true }", StringComparison.Ordinal), 8), i => 8 - i);
        Assert.False(perBracket.Layout.SharedRungs);
        Assert.NotEqual(perBracket.Layout.AsyncRungs(0)[1], perBracket.Layout.AsyncRungs(1)[0]);
    }

    [Fact]
    public void Shared_rung_hyperband_promotes_across_brackets_by_hand()
    {
        var trace = Decisions(Run(Hyperband2, 6, 5, 2, 4, 1, 3, 0));
        Assert.Equal(
        [
            // Bracket 1's trials start at R3 (shared: rung system 0). R3 [5]: one entry, no cutoff.
            "start 0 b1 ->3", "0@3 PAUSE", "end 0 Paused",
            "start 1 b1 ->3", "1@3 PAUSE", "end 1 Paused",           // R3 [2, 5]: cutoff 3
            // Trial 2 would be b0: its rungs R1, R3 are searched highest first; R3's best unpromoted, 2, is <= 3. A
            // bracket-0 slot promotes a bracket-1 trial: one rung system.
            "promote 1 ->9 (rung 0/3)", "1@9 STOP", "end 1 Completed",
            "start 2 b0 ->1", "2@1 PAUSE", "end 2 Paused",           // R3 [2p, 5]: 5 > 3; R1 empty. R1 [4]
            "start 3 b1 ->3", "3@3 PAUSE", "end 3 Paused",           // R3 [1, 2p, 5]: cutoff 1.67
            "promote 3 ->9 (rung 0/3)", "3@9 STOP", "end 3 Completed", // trial 4 (b0): R3's 1 <= 1.67
            "start 4 b0 ->1", "4@1 PAUSE", "end 4 Paused",           // R3: 5 > 1.67; R1 [4]: one entry. R1 [3, 4]: cutoff 3.33
            "promote 4 ->3 (rung 0/1)", "4@3 PAUSE", "end 4 Paused", // trial 5 (b0): R3 5 > 1.67; R1 3 <= 3.33. R3 [1p, 2p, 3, 5]: cutoff 2
            "start 5 b0 ->1", "5@1 PAUSE", "end 5 Paused",           // R3 3 > 2; R1 [3p, 4]: 4 > 3.33. R1 [0, 3p, 4]: cutoff 2
            // max_trials_started reached. R3: 3 > 2; R1: 0 <= 2. Then R3 [0, 1p, 2p, 3, 5]: cutoff 1.33, 0 goes on.
            "promote 5 ->3 (rung 0/1)", "5@3 PAUSE", "end 5 Paused",
            "promote 5 ->9 (rung 0/3)", "5@9 STOP", "end 5 Completed",
            // R3: 3 > 1.33; R1 [0p, 3p, 4]: 4 > 2. Nothing to promote, nothing to start.
            "finish: max_trials_started reached",
        ], trace);
    }

    [Fact]
    public void Per_bracket_hyperband_promotes_within_each_bracket_by_hand()
    {
        // The same trials, values and brackets as the shared trace; rung_system_per_bracket: bracket 0 has rungs 0/1
        // and 0/3, bracket 1 its own 1/3, and a slot searches only the rungs of the bracket a new trial would get.
        var trace = Decisions(Run(Hyperband2.Replace("}", ", \"rung_system_per_bracket\": true }", StringComparison.Ordinal), 6, 5, 2, 4, 1, 3, 0));
        Assert.Equal(
        [
            "start 0 b1 ->3", "0@3 PAUSE", "end 0 Paused",           // 1/3 [5]
            "start 1 b1 ->3", "1@3 PAUSE", "end 1 Paused",           // 1/3 [2, 5]: cutoff 3
            // Trial 2 is b0: 0/3 and 0/1 are empty. Unlike the shared trace, trial 1 is not promoted here.
            "start 2 b0 ->1", "2@1 PAUSE", "end 2 Paused",           // 0/1 [4]
            "promote 1 ->9 (rung 1/3)", "1@9 STOP", "end 1 Completed", // trial 3 is b1: 1/3's 2 <= 3
            "start 3 b1 ->3", "3@3 PAUSE", "end 3 Paused",           // 1/3 [1, 2p, 5]: cutoff 1.67
            // Trial 4 is b0: 0/1 [4] has one entry; trial 3 (1 <= 1.67 in 1/3) waits for a bracket-1 slot.
            "start 4 b0 ->1", "4@1 PAUSE", "end 4 Paused",           // 0/1 [3, 4]: cutoff 3.33
            "promote 4 ->3 (rung 0/1)", "4@3 PAUSE", "end 4 Paused", // trial 5 (b0): 3 <= 3.33. 0/3 [3]
            "start 5 b0 ->1", "5@1 PAUSE", "end 5 Paused",           // 0/3 one entry; 0/1 4 > 3.33. 0/1 [0, 3p, 4]: cutoff 2
            // max_trials_started reached; trial id 6 would be b0: 0/3 [3] has one entry; 0/1's 0 <= 2.
            "promote 5 ->3 (rung 0/1)", "5@3 PAUSE", "end 5 Paused", // 0/3 [0, 3]: cutoff 1
            "promote 5 ->9 (rung 0/3)", "5@9 STOP", "end 5 Completed",
            // Bracket 0 has nothing (0/3: 3 > 1; 0/1: 4 > 2); nothing new can start, so any bracket's promotion takes
            // the slot: 1/3's 1 <= 1.67.
            "promote 3 ->9 (rung 1/3)", "3@9 STOP", "end 3 Completed",
            "finish: max_trials_started reached",
        ], trace);
    }

    [Fact]
    public void Stopping_hyperband_stops_above_the_shared_rungs_cutoff_by_hand()
    {
        var trace = Decisions(Run(Hyperband2.Replace("promotion", "stopping", StringComparison.Ordinal), 6, 5, 2, 4, 1, 3, 0));
        Assert.Equal(
        [
            // Stopping rungs never pause: every trial trains towards max_t and is asked at its bracket's rung levels.
            "start 0 b1 ->9", "0@9 STOP", "end 0 Completed",         // R3 [5]: no cutoff
            "start 1 b1 ->9", "1@9 STOP", "end 1 Completed",         // R3 [2, 5]: cutoff 3, 2 continues
            "start 2 b0 ->9", "2@3 STOP", "end 2 Stopped",           // R1 [4] continues; R3 [2, 4, 5]: cutoff 3.33, 4 stops
            "start 3 b1 ->9", "3@9 STOP", "end 3 Completed",         // R3 [1, 2, 4, 5]: cutoff 2
            "start 4 b0 ->9", "4@3 STOP", "end 4 Stopped",           // R1 [3, 4]: 3.33 continues; R3 [1..5]: 2.33, 3 stops
            "start 5 b0 ->9", "5@9 STOP", "end 5 Completed",         // R1 [0, 3, 4]: 2; R3 [0..5]: 1.67
            "finish: max_trials_started reached",
        ], trace);
    }

    [Fact]
    public void Sync_hyperband_fills_each_bracket_instance_rung_by_rung_by_hand()
    {
        // sync-hyperband, 2 brackets, grace 1, eta 3, max_t 9 (Syne Tune's geometric rung sizes; s_max = 2):
        // bracket 0: 9 at level 1, 3 at level 3, 1 at 9; bracket 1: ceil(3/2 * 3) = 5 at level 3, ceil(3/2) = 2 at 9.
        // Instance i runs bracket i % 2. Values: trial i has 5 2 4 1 3 0 6 7 ... 13 (mode min).
        var trace = Decisions(Run("""{ "type": "sync-hyperband", "brackets": 2 }""", 14, 5, 2, 4, 1, 3, 0, 6, 7, 8, 9, 10, 11, 12, 13));
        Assert.Equal(
        [
            // Instance 0 (bracket 0): nine new trials fill its level-1 rung; the rung promotes nobody until it is full.
            "start 0 b0 ->1", "0@1 PAUSE", "end 0 Paused",
            "start 1 b0 ->1", "1@1 PAUSE", "end 1 Paused",
            "start 2 b0 ->1", "2@1 PAUSE", "end 2 Paused",
            "start 3 b0 ->1", "3@1 PAUSE", "end 3 Paused",
            "start 4 b0 ->1", "4@1 PAUSE", "end 4 Paused",
            "start 5 b0 ->1", "5@1 PAUSE", "end 5 Paused",
            "start 6 b0 ->1", "6@1 PAUSE", "end 6 Paused",
            "start 7 b0 ->1", "7@1 PAUSE", "end 7 Paused",
            "start 8 b0 ->1", "8@1 PAUSE", "end 8 Paused",
            // Full: its top 3 go to level 3, best first: trials 5 (0), 3 (1), 1 (2).
            "promote 5 ->3 (rung 0/1)", "5@3 PAUSE", "end 5 Paused",
            "promote 3 ->3 (rung 0/1)", "3@3 PAUSE", "end 3 Paused",
            "promote 1 ->3 (rung 0/1)", "1@3 PAUSE", "end 1 Paused",
            // The level-3 rung is full (highest rung first): its best, trial 5, goes to max_t.
            "promote 5 ->9 (rung 0/3)", "5@9 STOP", "end 5 Completed",
            // Instance 0 is handed out; the worker never waits: instance 1 (bracket 1) starts five trials at level 3.
            "start 9 b1 ->3", "9@3 PAUSE", "end 9 Paused",
            "start 10 b1 ->3", "10@3 PAUSE", "end 10 Paused",
            "start 11 b1 ->3", "11@3 PAUSE", "end 11 Paused",
            "start 12 b1 ->3", "12@3 PAUSE", "end 12 Paused",
            "start 13 b1 ->3", "13@3 PAUSE", "end 13 Paused",
            // Full: its top 2, trials 9 (9) and 10 (10), go to max_t.
            "promote 9 ->9 (rung 1/3)", "9@9 STOP", "end 9 Completed",
            "promote 10 ->9 (rung 1/3)", "10@9 STOP", "end 10 Completed",
            "finish: max_trials_started reached",
        ], trace);
    }
}
