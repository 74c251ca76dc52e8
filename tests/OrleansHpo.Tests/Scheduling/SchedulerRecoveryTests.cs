namespace OrleansHpo.Tests.Scheduling;

/// <summary>
/// The rules a restarted runtime applies (<see cref="ExperimentScheduler.RungsToReconcile"/>,
/// <see cref="ExperimentScheduler.RecoverPromotion"/>, <see cref="ExperimentScheduler.AdoptNewerRun"/>), the best value
/// and the per-run epoch sets of <see cref="TrialPolicy"/>, unit-tested without a silo.
/// </summary>
public sealed class SchedulerRecoveryTests
{
    private static SchedulerHarness Harness(string scheduler) => new(SchedulerHarness.Spec(scheduler, 4), i => i);

    [Fact]
    public void Rungs_to_reconcile_are_the_promoting_rungs_only()
    {
        Assert.Empty(Harness("""{ "type": "asha", "variant": "stopping" }""").Scheduler.RungsToReconcile());
        Assert.Empty(Harness("""{ "type": "fifo" }""").Scheduler.RungsToReconcile());
        // ASHA promotion: rungs at 1 and 3 of its one bracket.
        Assert.Equal(["0/1", "0/3"], Harness("""{ "type": "asha", "variant": "promotion" }""").Scheduler.RungsToReconcile().Select(Key));
        // Shared Hyperband rungs: one rung system, each rung once; per bracket: every bracket's own rungs.
        Assert.Equal(["0/1", "0/3"], Harness("""{ "type": "hyperband", "variant": "promotion", "brackets": 2 }""").Scheduler.RungsToReconcile().Select(Key));
        Assert.Equal(["0/1", "0/3", "1/3"],
            Harness("""{ "type": "hyperband", "variant": "promotion", "brackets": 2, "rung_system_per_bracket": true }""").Scheduler.RungsToReconcile().Select(Key));
        // Synchronous: the rungs of the live bracket instances (none before the first starts).
        var sync = Harness("""{ "type": "sync-sh" }""");
        Assert.Empty(sync.Scheduler.RungsToReconcile());
        sync.Book.SyncInstances.Add(new SyncBracketInstance { Instance = 4, BracketIndex = 0, Promoted = [0, 0] });
        Assert.Equal(["4/1", "4/3"], sync.Scheduler.RungsToReconcile().Select(Key));
    }

    [Fact]
    public void A_recorded_promotion_resumes_a_trial_still_paused_at_or_below_the_rung_as_a_new_run()
    {
        var h = Harness("""{ "type": "asha", "variant": "promotion" }""");
        var rung = h.Layout.AsyncRungs(0)[0]; // level 1, next milestone 3
        h.Book.NextRunId = 5;
        Assert.Equal(PromotionRecovery.Resume, h.Scheduler.RecoverPromotion(2, rung, TrialStatus.Paused, pausedAt: 1, trialRunId: 7, trialMilestone: 1));
        Assert.Equal(new RunningTrial(8, 3, 0), h.Book.Running[2]); // run id past both the book's and the trial's
        Assert.Equal(8, h.Book.NextRunId);
        // Asked again (the slot is recorded now): nothing to do.
        Assert.Equal(PromotionRecovery.None, h.Scheduler.RecoverPromotion(2, rung, TrialStatus.Paused, 1, 7, 1));
    }

    [Fact]
    public void A_recorded_promotion_the_trial_runs_already_takes_its_slot_and_one_it_moved_past_is_ignored()
    {
        var h = Harness("""{ "type": "asha", "variant": "promotion" }""");
        var rung = h.Layout.AsyncRungs(0)[0];
        h.Book.NextRunId = 3;
        Assert.Equal(PromotionRecovery.Recover, h.Scheduler.RecoverPromotion(1, rung, TrialStatus.Running, pausedAt: 1, trialRunId: 6, trialMilestone: 3));
        Assert.Equal(new RunningTrial(6, 3, 0), h.Book.Running[1]);
        Assert.Equal(6, h.Book.NextRunId);
        // Paused higher up (at 3: the promotion ran and ended), or finished: the promotion is spent.
        Assert.Equal(PromotionRecovery.None, h.Scheduler.RecoverPromotion(2, rung, TrialStatus.Paused, pausedAt: 3, trialRunId: 2, trialMilestone: 3));
        Assert.Equal(PromotionRecovery.None, h.Scheduler.RecoverPromotion(3, rung, TrialStatus.Completed, pausedAt: 3, trialRunId: 2, trialMilestone: 9));
        Assert.False(h.Book.Running.ContainsKey(2));
        Assert.False(h.Book.Running.ContainsKey(3));
    }

    [Fact]
    public void A_newer_run_of_a_slotted_trial_is_adopted_only_while_it_runs_and_the_slot_is_unchanged()
    {
        var h = Harness("""{ "type": "asha", "variant": "promotion" }""");
        var known = new RunningTrial(4, 1, 0);
        h.Book.Running[0] = known;
        h.Book.NextRunId = 4;
        Assert.False(h.Scheduler.AdoptNewerRun(0, known, TrialStatus.Running, trialRunId: 4, trialMilestone: 1)); // same run
        Assert.False(h.Scheduler.AdoptNewerRun(0, known, TrialStatus.Paused, trialRunId: 5, trialMilestone: 3));  // not running
        Assert.True(h.Scheduler.AdoptNewerRun(0, known, TrialStatus.Running, trialRunId: 5, trialMilestone: 3));
        Assert.Equal(new RunningTrial(5, 3, 0), h.Book.Running[0]);
        Assert.Equal(5, h.Book.NextRunId);
        Assert.False(h.Scheduler.AdoptNewerRun(0, known, TrialStatus.Running, trialRunId: 6, trialMilestone: 9)); // the slot moved on
    }

    [Fact]
    public void The_best_value_follows_the_mode_and_ties_keep_the_earlier_report()
    {
        var h = Harness("""{ "type": "fifo" }""");
        h.Scheduler.OnReport(0, 1, 3.0);
        h.Scheduler.OnReport(1, 1, 2.0);
        h.Scheduler.OnReport(2, 1, 2.0);
        h.Scheduler.OnReport(0, 2, 4.0);
        Assert.Equal((2.0, 1, 1), (h.Book.BestValue!.Value, h.Book.BestTrialId!.Value, h.Book.BestEpoch));
    }

    [Fact]
    public void A_run_decides_at_its_rungs_milestone_and_max_t_and_checkpoints_where_it_can_pause()
    {
        var rungs = Harness("""{ "type": "asha", "variant": "promotion" }""").Layout.AsyncRungs(0); // levels 1, 3
        Assert.Equal([1, 3, 9], TrialPolicy.DecisionEpochs(rungs, 3, 9).Order());
        Assert.Equal([1, 3], TrialPolicy.CheckpointEpochs(rungs, 3, 9, keepFinal: true).Order());
        // Heading to max_t: no milestone checkpoint; the final one only for keep_best.
        Assert.Equal([1, 3], TrialPolicy.CheckpointEpochs(rungs, 9, 9, keepFinal: false).Order());
        Assert.Equal([1, 3, 9], TrialPolicy.CheckpointEpochs(rungs, 9, 9, keepFinal: true).Order());
    }

    private static string Key(RungConfig r) => $"{r.Bracket}/{r.Level}";
}
