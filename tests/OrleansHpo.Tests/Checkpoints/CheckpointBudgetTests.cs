using OrleansHpo.Core.Checkpoints;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>The pure checkpoint budget: estimator updates, the three policies, accounting and persistence.</summary>
public sealed class CheckpointBudgetTests
{
    private const double Third = 1.0 / 3.0;
    private static readonly RungKey R1 = new(0, 1);
    private static readonly RungKey R3 = new(0, 3);

    private static CheckpointBudget Budget(CheckpointRemoval removal, int max = 3, Mode mode = Mode.Min, int seed = 1) =>
        new(new CheckpointSpec { Removal = removal, MaxNumCheckpoints = max }, mode, seed);

    private static void PauseAt(CheckpointBudget budget, int trial, RungKey rung, double value)
    {
        budget.OnStarted(trial);
        budget.OnArrival(trial, rung, Third, value);
        budget.OnPaused(trial, rung);
    }

    [Fact]
    public void Beta_binomial_posterior_mean()
    {
        var e = new BetaBinomialEstimator(0.33, 2);
        Assert.Equal(0.33, e.PosteriorMean, 12);
        e.Update(1, 3);
        Assert.Equal((0.66 + 1) / (2 + 3), e.PosteriorMean, 12);
        e.Update(0, 5);
        Assert.Equal((0.66 + 1) / (2 + 8), e.PosteriorMean, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BetaBinomialEstimator(1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => e.Update(2, 1));
    }

    [Fact]
    public void Estimators_follow_a_scripted_sequence_of_arrivals()
    {
        var b = Budget(CheckpointRemoval.Speculative, max: 100);
        var rung = b.EstimatorFor(R1);
        PauseAt(b, 1, R1, 0.5);                       // nobody to compare with
        Assert.Equal((0, 0), (rung.Ones, rung.Total));
        PauseAt(b, 2, R1, 0.4);                       // vs 1 (0.5): better -> 1
        Assert.Equal((1, 1), (rung.Ones, rung.Total));
        PauseAt(b, 3, R1, 0.6);                       // vs 1, 2: worse, worse
        Assert.Equal((1, 3), (rung.Ones, rung.Total));
        Assert.Equal(0, b.OnPromoted(1, R1));         // 1 runs again: no longer compared
        PauseAt(b, 4, R1, 0.45);                      // vs 2 (0.4): 0, vs 3 (0.6): 1
        Assert.Equal((2, 5), (rung.Ones, rung.Total));
        PauseAt(b, 5, R1, 0.4);                       // ties count as at least as good: vs 2: 1, 3: 1, 4: 1
        Assert.Equal((5, 8), (rung.Ones, rung.Total));
        // Arrival of trial 1 at rung 3: no paused trial there, no data anywhere.
        b.OnArrival(1, R3, Third, 0.3);
        b.OnPaused(1, R3);
        Assert.Equal((0, 0), (b.EstimatorFor(R3).Ones, b.EstimatorFor(R3).Total));
        // The pooled estimator saw everything; rung 1 has >= 5 observations so it uses its own.
        Assert.Equal((5, 8), (b.OverallEstimator.Ones, b.OverallEstimator.Total));
        Assert.Equal((0.66 + 5) / (2 + 8), b.ProbabilityFor(R1), 12);
        // Rung 3 has fewer than min_data_at_rung observations: the pooled estimate.
        Assert.Equal(b.OverallEstimator.PosteriorMean, b.ProbabilityFor(R3), 12);
        // A trial whose checkpoint is gone no longer provides data.
        b.OnStarted(6);
        b.OnArrival(6, R3, Third, 0.2);              // vs 1 (0.3): better
        Assert.Equal((1, 1), (b.EstimatorFor(R3).Ones, b.EstimatorFor(R3).Total));
    }

    [Fact]
    public void Estimators_in_mode_max_count_larger_values_as_better()
    {
        var b = Budget(CheckpointRemoval.Speculative, max: 100, mode: Mode.Max);
        PauseAt(b, 1, R1, 0.5);
        PauseAt(b, 2, R1, 0.7);
        PauseAt(b, 3, R1, 0.6);                       // 0.7 beat 0.5; 0.6 beats 0.5, not 0.7
        Assert.Equal((2, 3), (b.EstimatorFor(R1).Ones, b.EstimatorFor(R1).Total));
    }

    [Fact]
    public void Nothing_is_removed_within_the_limit_or_with_removal_none()
    {
        var b = Budget(CheckpointRemoval.Speculative, max: 3);
        PauseAt(b, 1, R1, 0.5);
        PauseAt(b, 2, R1, 0.4);
        b.OnStarted(3);
        Assert.Empty(b.TakeRemovals(1));
        var none = Budget(CheckpointRemoval.None, max: 1);
        PauseAt(none, 1, R1, 0.5);
        PauseAt(none, 2, R1, 0.4);
        Assert.Empty(none.TakeRemovals(1));
    }

    [Fact]
    public void By_level_removes_lowest_level_then_worst_rank()
    {
        var b = Budget(CheckpointRemoval.ByLevel, max: 3);
        PauseAt(b, 1, R1, 0.5);
        PauseAt(b, 2, R1, 0.9);
        PauseAt(b, 3, R1, 0.1);
        PauseAt(b, 4, R3, 0.8);
        b.OnStarted(5);
        // Holding 5 > 3: remove 2 from level 1, worst first: trial 2 (0.9), then trial 1 (0.5).
        var removed = b.TakeRemovals(1);
        Assert.Equal([2, 1], removed.Select(r => r.TrialId));
        Assert.Equal(3, b.HoldingCount);
        Assert.Equal(2, b.NumCheckpointsRemoved);
        Assert.Equal(CheckpointHolderStatus.PausedWithoutCheckpoint, b.StatusOf(2));
    }

    [Fact]
    public void Speculative_removes_the_lowest_expected_retraining_cost()
    {
        var b = Budget(CheckpointRemoval.Speculative, max: 4);
        // Rung 1: trial 1 is best of three, promotable now (c = 1 - 3/3 = 0): score 1 x 1.
        PauseAt(b, 1, R1, 0.1);
        PauseAt(b, 2, R1, 0.5);
        PauseAt(b, 3, R1, 0.6);
        // Rung 3: six trials; trial 9 (worst of six, value 0.9) is very unlikely to be resumed: score 3 x P ~ 0.
        for (int t = 4; t <= 9; t++)
        {
            PauseAt(b, t, R3, 0.1 * t);
        }
        var scores = b.ScoreAll(0.5).ToDictionary(s => s.TrialId, s => s.Score);
        Assert.Equal(1.0, scores[1], 12);
        Assert.True(scores[9] < scores[2] || scores[9] < 1, string.Join(", ", scores));
        var removed = b.TakeRemovals(0.5);
        Assert.Equal(5, removed.Count); // 9 paused > 4
        Assert.DoesNotContain(removed, r => r.TrialId == 1); // promotable now: its checkpoint is worth keeping
        Assert.Contains(removed, r => r.TrialId == 9);
        Assert.Equal(removed.OrderBy(r => r.Score).Select(r => r.TrialId), removed.Select(r => r.TrialId));
        // by_level would have removed trial 1 (level 1) before any level-3 trial.
        var byLevel = Budget(CheckpointRemoval.ByLevel, max: 4);
        PauseAt(byLevel, 1, R1, 0.1);
        PauseAt(byLevel, 2, R1, 0.5);
        PauseAt(byLevel, 3, R1, 0.6);
        for (int t = 4; t <= 9; t++)
        {
            PauseAt(byLevel, t, R3, 0.1 * t);
        }
        Assert.Contains(byLevel.TakeRemovals(0.5), r => r.TrialId == 1);
    }

    [Fact]
    public void A_batch_where_every_trial_is_promotable_scores_levels_without_crashing()
    {
        // Syne Tune's score crashes on a batch in which every c <= 0; here each such trial has P = 1, score = level.
        var b = Budget(CheckpointRemoval.Speculative, max: 1);
        PauseAt(b, 1, R1, 0.1);
        PauseAt(b, 2, R3, 0.1);
        int next = 10;
        foreach (var rung in new[] { R1, R3 })
        {
            for (int k = 0; k < 2; k++, next++)
            {
                b.OnStarted(next);
                b.OnArrival(next, rung, Third, 0.5 + k); // worse arrivals that then stop
                b.OnFinished(next);
            }
        }
        // Each paused trial is rank 1 of 3 with alpha = 1/3: c = 1 - 1 = 0.
        var scores = b.ScoreAll(1e-3);
        Assert.Equal(2, scores.Count);
        Assert.All(scores, s => Assert.Equal(s.Rung.Level, s.Score, 12));
        var removed = b.TakeRemovals(1e-3);
        Assert.Equal([1], removed.Select(r => r.TrialId)); // the cheaper one to retrain
    }

    [Fact]
    public void Random_is_deterministic_per_seed_and_only_picks_paused_trials_with_a_checkpoint()
    {
        IReadOnlyList<int> Run(int seed)
        {
            var b = Budget(CheckpointRemoval.Random, max: 5, seed: seed);
            for (int t = 0; t < 20; t++)
            {
                PauseAt(b, t, t % 2 == 0 ? R1 : R3, t * 0.01);
            }
            b.OnStarted(100);
            return [.. b.TakeRemovals(1).Select(r => r.TrialId)];
        }
        var first = Run(3);
        Assert.Equal(16, first.Count);
        Assert.Equal(first, Run(3));
        Assert.Equal(16, first.Distinct().Count());
        Assert.All(first, t => Assert.InRange(t, 0, 19));
        Assert.NotEqual(first, Run(4));
    }

    [Fact]
    public void Resuming_a_trial_without_checkpoint_costs_its_level()
    {
        var b = Budget(CheckpointRemoval.ByLevel, max: 1);
        PauseAt(b, 1, R3, 0.5);
        PauseAt(b, 2, R3, 0.6);
        var removed = b.TakeRemovals(1);
        Assert.Single(removed);
        Assert.Equal(2, removed[0].TrialId);
        Assert.Equal(0, b.OnPromoted(1, R3));
        Assert.Equal(3, b.OnPromoted(2, R3));
        Assert.Equal(3, b.CostResources);
        Assert.Equal(2, b.NumTrialsResumed);
        Assert.Equal(1, b.NumResumedWithoutCheckpoint);
    }

    [Fact]
    public void Never_removes_more_than_the_paused_trials_with_a_checkpoint()
    {
        var b = Budget(CheckpointRemoval.Speculative, max: 1);
        for (int t = 0; t < 4; t++)
        {
            b.OnStarted(t); // four running trials: nothing paused to remove
        }
        Assert.Empty(b.TakeRemovals(1));
        PauseAt(b, 10, R1, 0.3);
        Assert.Single(b.TakeRemovals(1));
        Assert.Empty(b.TakeRemovals(1));
    }

    [Fact]
    public void Json_round_trip_keeps_scores_counts_and_the_random_stream()
    {
        var spec = new CheckpointSpec { Removal = CheckpointRemoval.Random, MaxNumCheckpoints = 4 };
        var b = new CheckpointBudget(spec, Mode.Min, 9);
        for (int t = 0; t < 12; t++)
        {
            PauseAt(b, t, t % 3 == 0 ? R3 : R1, 0.05 * ((t * 7) % 12));
        }
        b.TakeRemovals(0.7);
        b.OnPromoted(0, R3);
        PauseAt(b, 20, R1, 0.33);
        var copy = CheckpointBudget.FromJson(b.ToJson(), spec, Mode.Min, 9);
        Assert.Equal(b.ToJson(), copy.ToJson());
        Assert.Equal(b.ScoreAll(0.7), copy.ScoreAll(0.7));
        Assert.Equal(b.TakeRemovals(0.7), copy.TakeRemovals(0.7));
        Assert.Equal(b.NumCheckpointsRemoved, copy.NumCheckpointsRemoved);
    }
}
