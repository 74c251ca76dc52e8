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
}
