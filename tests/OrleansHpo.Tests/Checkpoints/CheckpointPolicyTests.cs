using OrleansHpo.Core.Checkpoints;
using OrleansHpo.Core.Spec;
using OrleansHpo.Tests.Scheduling;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>
/// <see cref="CheckpointPolicy"/>: the checkpoint budget's inputs come from the scheduler's rung configs, its time ratio
/// from the stop criteria, and keep_best ranks completed trials. No silo.
/// </summary>
public sealed class CheckpointPolicyTests
{
    private static (CheckpointPolicy Policy, SchedulerLayout Layout) Policy(string scheduler, string checkpoints = "")
    {
        var json = SchedulerHarness.Spec(scheduler, 8);
        if (checkpoints.Length > 0)
        {
            json = json.Replace("\"n_workers\"", $"\"checkpoints\": {checkpoints}, \"n_workers\"", StringComparison.Ordinal);
        }
        var spec = SpecParser.Parse(json).Spec!;
        var layout = new SchedulerLayout(spec);
        return (new CheckpointPolicy(spec, layout, null), layout);
    }

    [Fact]
    public void Only_promotion_type_rungs_have_a_budget()
    {
        Assert.NotNull(Policy("""{ "type": "asha", "variant": "promotion" }""").Policy.Budget);
        Assert.Null(Policy("""{ "type": "asha", "variant": "stopping" }""").Policy.Budget);
        Assert.Null(Policy("""{ "type": "sync-sh" }""").Policy.Budget);
        Assert.Null(Policy("""{ "type": "fifo" }""").Policy.Budget);
    }

    [Fact]
    public void With_shared_hyperband_rungs_trials_of_every_bracket_meet_in_one_budget_rung()
    {
        // Brackets 0 and 1 share the rung at level 3 (rung system 0). Trial 1 of bracket 0 pauses there first; trial 2
        // of bracket 1 then arrives with a better value: one observation (1 of 1) at the shared rung. Before the keys
        // came from the rungs, bracket 1's arrival was keyed (1, 3) and never compared with bracket 0's trials.
        // (Speculative removal: with removal "none" the budget keeps no rung books or estimators at all.)
        var (policy, layout) = Policy("""{ "type": "hyperband", "variant": "promotion", "brackets": 2 }""",
            """{ "removal": "speculative", "max_num_checkpoints": 10 }""");
        var shared = new RungKey(0, 3);
        Assert.Equal(CheckpointPolicy.KeyOf(layout.AsyncRungs(0)[1]), CheckpointPolicy.KeyOf(layout.AsyncRungs(1)[0]));
        policy.OnStarted(1);
        policy.OnReport(1, bracket: 0, epoch: 3, TrialDecision.Pause, 5.0);
        policy.OnLeftSlot(1, bracket: 0, TrialStatus.Paused, level: 3);
        policy.OnStarted(2);
        policy.OnReport(2, bracket: 1, epoch: 3, TrialDecision.Pause, 4.0);
        Assert.Equal(1, policy.Budget!.EstimatorFor(shared).Total);
        // A promotion from the shared rung finds the trial's entry there.
        policy.OnLeftSlot(2, bracket: 1, TrialStatus.Paused, level: 3);
        Assert.Equal(0, policy.OnPromoted(2, layout.AsyncRungs(1)[0]));
        Assert.Equal(CheckpointHolderStatus.Running, policy.Budget.StatusOf(2));
        // A report that is not a pause at a rung level is no arrival.
        policy.OnReport(2, bracket: 1, epoch: 4, TrialDecision.Continue, 1.0);
        policy.OnReport(2, bracket: 1, epoch: 9, TrialDecision.Pause, 1.0);
        Assert.Equal(1, policy.Budget.EstimatorFor(shared).Total);
    }

    [Fact]
    public void With_removal_none_the_budget_keeps_one_row_per_trial_and_no_rung_books()
    {
        var (policy, _) = Policy("""{ "type": "asha", "variant": "promotion" }""");
        policy.OnStarted(1);
        policy.OnReport(1, bracket: 0, epoch: 1, TrialDecision.Pause, 5.0);
        policy.OnLeftSlot(1, bracket: 0, TrialStatus.Paused, level: 1);
        Assert.Equal(CheckpointHolderStatus.PausedWithCheckpoint, policy.Budget!.StatusOf(1));
        Assert.Equal(0, policy.Budget.EstimatorFor(new RungKey(0, 1)).Total);
        Assert.DoesNotContain("\"Entries\":[{", policy.Budget.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_time_ratio_is_the_smaller_of_trials_and_seconds_left_per_spent()
    {
        var (policy, _) = Policy("""{ "type": "asha", "variant": "promotion" }"""); // max_trials_started 8
        Assert.Equal(3.0, policy.TimeRatio(started: 2, elapsedSeconds: 1000), 12);  // (8 - 2) / 2
        Assert.Equal(ResumeProbability.TimeRatio(8, 8), policy.TimeRatio(8, 0), 12);
    }

    [Fact]
    public void Keep_best_keeps_the_best_k_final_checkpoints_ties_to_the_earlier_completion()
    {
        var (policy, _) = Policy("""{ "type": "asha", "variant": "promotion" }""", """{ "keep_best": 2 }""");
        List<(int, double)> kept = [];
        List<int> dropped = [];
        foreach (var (trial, value) in new (int, double?)[] { (0, 5.0), (1, 3.0), (2, 3.0), (3, null), (4, 1.0) })
        {
            var (k, d) = policy.KeepBest(kept, trial, value);
            kept = k;
            dropped.AddRange(d);
        }
        // mode min. 0 (5) kept; 1 (3) goes before it; 2 (3) ties with 1 and goes after it, so 0 falls out; 3 has no
        // final value and is not kept; 4 (1) goes first, so 2 falls out.
        Assert.Equal([(4, 1.0), (1, 3.0)], kept);
        Assert.Equal([0, 3, 2], dropped);
        // A trial kept already is not ranked twice.
        Assert.Empty(policy.KeepBest(kept, 4, 1.0).Dropped);
        Assert.Equal(kept, policy.KeepBest(kept, 4, 1.0).Kept);
        // keep_best 0 (or finished checkpoints not deleted): nothing is tracked or dropped.
        var (none, _) = Policy("""{ "type": "asha", "variant": "promotion" }""", """{ "keep_best": 0 }""");
        Assert.Equal((0, 0), (none.KeepBest([], 0, 1.0).Kept.Count, none.KeepBest([], 0, 1.0).Dropped.Count));
    }
}
