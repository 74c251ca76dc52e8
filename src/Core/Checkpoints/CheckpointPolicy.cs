using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Checkpoints;

/// <summary>
/// An experiment's checkpoint rules, one copy for every runtime: feeds the <see cref="CheckpointBudget"/> from the
/// experiment's events with rung keys and promotion quantiles taken from the scheduler's own <see cref="RungConfig"/>s
/// (so a shared Hyperband rung is one budget rung, whatever bracket its trials came from), the budget's time ratio
/// from the stop criteria, and which completed trials keep their final checkpoint (keep_best). Pure: the runtime
/// persists <see cref="ToJson"/> and does the file work (docs/architecture.md, "Checkpoint budget").
/// </summary>
public sealed class CheckpointPolicy
{
    private readonly ExperimentSpec _spec;
    private readonly SchedulerLayout _layout;

    /// <param name="spec">The experiment.</param>
    /// <param name="layout">Its rungs (the budget's rung keys and quantiles are theirs).</param>
    /// <param name="budgetJson">The persisted budget (<see cref="ToJson"/>), or null for a new experiment.</param>
    public CheckpointPolicy(ExperimentSpec spec, SchedulerLayout layout, string? budgetJson)
    {
        _spec = spec;
        _layout = layout;
        if (layout.Kind == RungKind.Promotion)
        {
            // Only promotion-type rungs pause trials; tracked for every removal policy (none included) so the
            // accounting of runs is comparable (with none, only which trials hold a checkpoint: no rung books).
            Budget = budgetJson is { } json
                ? CheckpointBudget.FromJson(json, spec.Checkpoints, spec.Mode, spec.Searcher.Seed)
                : new CheckpointBudget(spec.Checkpoints, spec.Mode, spec.Searcher.Seed);
        }
    }

    /// <summary>The budget, or null when the scheduler never pauses a trial.</summary>
    public CheckpointBudget? Budget { get; }

    public int NumCheckpointsRemoved => Budget?.NumCheckpointsRemoved ?? 0;

    public long CostResources => Budget?.CostResources ?? 0;

    public int NumResumedWithoutCheckpoint => Budget?.NumResumedWithoutCheckpoint ?? 0;

    /// <summary>The rung a trial of <paramref name="bracket"/> meets at <paramref name="level"/> (its key and quantile feed the budget); null if none.</summary>
    public RungConfig? RungAt(int bracket, int level) => Array.Find(_layout.AsyncRungs(bracket), r => r.Level == level);

    /// <summary>The budget's key of a rung: its rung system and level.</summary>
    public static RungKey KeyOf(RungConfig rung) => new(rung.Bracket, rung.Level);

    public void OnStarted(int trialId) => Budget?.OnStarted(trialId);

    /// <summary>A report of a trial of <paramref name="bracket"/>: a pause at a rung level is a new arrival there.</summary>
    public void OnReport(int trialId, int bracket, int epoch, TrialDecision decision, double? value)
    {
        if (Budget is not null && decision == TrialDecision.Pause && value is { } v && RungAt(bracket, epoch) is { } rung)
        {
            Budget.OnArrival(trialId, KeyOf(rung), rung.Quantile, v);
        }
    }

    /// <summary>A trial of <paramref name="bracket"/> left its slot: paused at <paramref name="level"/>, or finished.</summary>
    public void OnLeftSlot(int trialId, int bracket, TrialStatus outcome, int level)
    {
        if (Budget is null)
        {
            return;
        }
        if (outcome == TrialStatus.Paused)
        {
            Budget.OnPaused(trialId, RungAt(bracket, level) is { } rung ? KeyOf(rung) : new RungKey(bracket, level));
        }
        else if (outcome is TrialStatus.Stopped or TrialStatus.Completed or TrialStatus.Failed)
        {
            Budget.OnFinished(trialId);
        }
    }

    /// <summary>A rung promoted a paused trial. Returns the epochs it retrains because its checkpoint was removed (else 0).</summary>
    public int OnPromoted(int trialId, RungConfig rung) => Budget?.OnPromoted(trialId, KeyOf(rung)) ?? 0;

    /// <summary>After a restart a recorded promotion is delivered again: counted unless the budget saw it already.</summary>
    public int OnRecoveredPromotion(int trialId, RungConfig rung) =>
        Budget?.StatusOf(trialId) is CheckpointHolderStatus.PausedWithCheckpoint or CheckpointHolderStatus.PausedWithoutCheckpoint
            ? OnPromoted(trialId, rung)
            : 0;

    /// <summary>The paused trials whose checkpoints go now (max_num_checkpoints), lowest score first.</summary>
    public IReadOnlyList<CheckpointRemovalChoice> TakeRemovals(int started, double elapsedSeconds) =>
        Budget?.TakeRemovals(TimeRatio(started, elapsedSeconds)) ?? [];

    /// <summary>
    /// beta = budget left / budget spent: in trials when max_trials_started is set (new arrivals come with new trials),
    /// in seconds when max_wallclock_seconds is set, the smaller of the two when both are; with neither the horizon is
    /// unbounded.
    /// </summary>
    public double TimeRatio(int started, double elapsedSeconds)
    {
        double ratio = double.PositiveInfinity;
        if (_spec.Stop.MaxTrialsStarted is { } maxTrials)
        {
            ratio = Math.Min(ratio, ResumeProbability.TimeRatio(started, maxTrials));
        }
        if (_spec.Stop.MaxWallclockSeconds is { } wall)
        {
            ratio = Math.Min(ratio, ResumeProbability.TimeRatio(elapsedSeconds, wall));
        }
        return ratio;
    }

    /// <summary>
    /// keep_best: completed trial <paramref name="trialId"/> with final value <paramref name="value"/> (null: none to rank
    /// it by) joins <paramref name="kept"/> (best first; ties go to the earlier completion) if it is among the best K.
    /// Returns the new list and the trials whose final checkpoints go. Nothing changes unless finished checkpoints
    /// are deleted with keep_best &gt; 0, or when the trial is kept already.
    /// </summary>
    public (List<(int TrialId, double Value)> Kept, List<int> Dropped) KeepBest(IReadOnlyList<(int TrialId, double Value)> kept, int trialId, double? value)
    {
        var list = kept.ToList();
        if (!_spec.Checkpoints.KeepsFinalCheckpoint || list.Any(k => k.TrialId == trialId))
        {
            return (list, []);
        }
        if (value is not { } v)
        {
            return (list, [trialId]);
        }
        int at = list.FindIndex(k => _spec.Mode == Mode.Min ? v < k.Value : v > k.Value);
        list.Insert(at < 0 ? list.Count : at, (trialId, v));
        List<int> dropped = [];
        while (list.Count > _spec.Checkpoints.KeepBest)
        {
            dropped.Add(list[^1].TrialId);
            list.RemoveAt(list.Count - 1);
        }
        return (list, dropped);
    }

    /// <summary>The budget's state for the runtime's persisted state (null without a budget).</summary>
    public string? ToJson() => Budget?.ToJson();
}
