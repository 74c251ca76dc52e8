using Microsoft.Extensions.Logging;
using OrleansHpo.Core.Checkpoints;
using OrleansHpo.Core.Spec;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.State;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// The experiment grain's checkpoint bookkeeping, kept out of the grain: feeds the pure <see cref="CheckpointBudget"/>
/// with the events the experiment sees (start, rung arrivals, pause, promotion, end), asks the paused trials it
/// chooses to drop their checkpoints, and measures the checkpoint folder (disk high-water marks) off the grain
/// turn, at most once a second: a folder walk is I/O that grows with the number of checkpoints, and ran in every turn
/// before (the 2x throughput regression of docs/benchmarks.md). The decision lives here because the experiment sees every report and every promotion; rung
/// grains keep talking to trials one-way only, and the experiment only ever awaits trials that never await it.
/// </summary>
internal sealed class ExperimentCheckpoints
{
    private readonly ExperimentSpec _spec;
    private readonly SchedulerLayout _layout;
    private readonly CheckpointAccountingState _state;
    private readonly CheckpointScope _root;
    private readonly ICheckpointStore _store;
    private readonly IGrainFactory _grains;
    private readonly string _experiment;
    private readonly ILogger _logger;
    private readonly CheckpointBudget? _budget;
    private Task<CheckpointUsage>? _measuring;
    private long _lastMeasureStart = long.MinValue / 2;

    /// <summary>Least time between two measurements of the checkpoint folder.</summary>
    public static readonly TimeSpan MeasureInterval = TimeSpan.FromSeconds(1);

    public ExperimentCheckpoints(ExperimentSpec spec, SchedulerLayout layout, CheckpointAccountingState state, CheckpointScope root,
        ICheckpointStore store, IGrainFactory grains, string experiment, ILogger logger)
    {
        _spec = spec;
        _layout = layout;
        _state = state;
        _root = root;
        _store = store;
        _grains = grains;
        _experiment = experiment;
        _logger = logger;
        if (layout.Kind == RungKind.Promotion)
        {
            // Tracked for every promotion-type run (removal none included) so the accounting is comparable.
            _budget = state.BudgetJson is { } json
                ? CheckpointBudget.FromJson(json, spec.Checkpoints, spec.Mode, spec.Searcher.Seed)
                : new CheckpointBudget(spec.Checkpoints, spec.Mode, spec.Searcher.Seed);
        }
    }

    public int NumCheckpointsRemoved => _budget?.NumCheckpointsRemoved ?? 0;

    public long CostResources => _budget?.CostResources ?? 0;

    public int NumResumedWithoutCheckpoint => _budget?.NumResumedWithoutCheckpoint ?? 0;

    public void OnStarted(int trialId) => _budget?.OnStarted(trialId);

    /// <summary>Reports of a trial of <paramref name="bracket"/>: a report at a rung level is a new arrival there.</summary>
    public void OnReports(EpochReport[] reports, int bracket)
    {
        if (_budget is null || reports.Length == 0)
        {
            return;
        }
        var rungs = _layout.AsyncRungs(bracket);
        foreach (var report in reports)
        {
            if (report.Decision == TrialDecision.Pause && Array.Find(rungs, r => r.Level == report.Epoch) is { } rung
                && report.Metrics.TryGetValue(_spec.Metric, out var value))
            {
                _budget.OnArrival(report.TrialId, new RungKey(bracket, rung.Level), rung.Quantile, value);
            }
        }
    }

    /// <summary>A trial left its slot: paused at <paramref name="level"/>, or finished.</summary>
    public void OnLeftSlot(int trialId, int bracket, TrialStatus outcome, int level, EpochReport[] reports)
    {
        if (outcome == TrialStatus.Completed)
        {
            KeepIfBest(trialId, reports);
        }
        if (_budget is null)
        {
            return;
        }
        if (outcome == TrialStatus.Paused)
        {
            _budget.OnPaused(trialId, new RungKey(bracket, level));
        }
        else if (outcome is TrialStatus.Stopped or TrialStatus.Completed or TrialStatus.Failed)
        {
            _budget.OnFinished(trialId);
        }
    }

    /// <summary>A rung promoted a paused trial; if its checkpoint was removed it retrains (counted in cost_resources).</summary>
    public void OnPromoted(int trialId, RungConfig rung)
    {
        int cost = _budget?.OnPromoted(trialId, new RungKey(rung.Bracket, rung.Level)) ?? 0;
        if (cost > 0)
        {
            _logger.LogInformation("Experiment {Experiment}: trial {TrialId} resumes without its checkpoint and retrains {Epochs} epochs", _experiment, trialId, cost);
        }
    }

    /// <summary>
    /// Enforce max_num_checkpoints: the chosen paused trials delete their checkpoint file and record that it is gone
    /// (awaited, so the files are gone before this turn ends), then measure the disk.
    /// </summary>
    public async Task EnforceAndMeasure(int started, double elapsedSeconds, bool final = false)
    {
        if (_budget is not null)
        {
            var removals = _budget.TakeRemovals(TimeRatio(started, elapsedSeconds));
            foreach (var removal in removals)
            {
                _logger.LogDebug("Experiment {Experiment}: removing the checkpoint of trial {TrialId} paused at {Level} (rank {Rank} of {Length}, score {Score:G4})",
                    _experiment, removal.TrialId, removal.Rung.Level, removal.Rank, removal.RungLength, removal.Score);
                await Drop(removal.TrialId);
            }
            if (removals.Count > 0)
            {
                Execution.HpoMetrics.CheckpointsRemoved.Add(removals.Count);
            }
        }
        while (_state.ToDrop.Count > 0)
        {
            await Drop(_state.ToDrop[0]);
            _state.ToDrop.RemoveAt(0);
        }
        await Measure(final);
    }

    /// <summary>
    /// keep_best: a completed trial kept its final checkpoint; keep the K best (by final metric, ties to the earlier
    /// completion) and queue the others for deletion.
    /// </summary>
    private void KeepIfBest(int trialId, EpochReport[] reports)
    {
        var checkpoints = _spec.Checkpoints;
        if (!checkpoints.DeleteFinished || checkpoints.KeepBest <= 0 || _state.Kept.Any(k => k.TrialId == trialId))
        {
            return;
        }
        if (reports.Length == 0 || !reports[^1].Metrics.TryGetValue(_spec.Metric, out var value))
        {
            _state.ToDrop.Add(trialId); // no final value to rank it by (should not happen): do not keep it
            return;
        }
        int at = _state.Kept.FindIndex(k => _spec.Mode == Mode.Min ? value < k.Value : value > k.Value);
        _state.Kept.Insert(at < 0 ? _state.Kept.Count : at, new KeptCheckpoint(trialId, value));
        while (_state.Kept.Count > checkpoints.KeepBest)
        {
            _state.ToDrop.Add(_state.Kept[^1].TrialId);
            _state.Kept.RemoveAt(_state.Kept.Count - 1);
        }
    }

    /// <summary>After a restart, a promotion the rung recorded is delivered again: make sure the budget saw it.</summary>
    public void OnRecoveredPromotion(int trialId, RungConfig rung)
    {
        if (_budget?.StatusOf(trialId) is CheckpointHolderStatus.PausedWithCheckpoint or CheckpointHolderStatus.PausedWithoutCheckpoint)
        {
            OnPromoted(trialId, rung);
        }
    }

    private async Task Drop(int trialId)
    {
        try
        {
            await _grains.GetGrain<ITrialGrain>(TrialKeys.Of(_experiment, trialId)).DropCheckpoint();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The trial keeps its file: a later resume still loads it (and cost_resources, which already counts it as
            // removed, overstates by its level); only the disk bound is missed for now.
            _logger.LogWarning(e, "Experiment {Experiment}: trial {TrialId} could not drop its checkpoint", _experiment, trialId);
        }
    }

    /// <summary>Copy the budget into the persisted state (before the experiment writes it).</summary>
    public void Save() => _state.BudgetJson = _budget?.ToJson();

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
    /// Applies a finished measurement and starts the next one on the thread pool when one is due (never two at once).
    /// <paramref name="final"/>: the experiment ends; wait for an up-to-date measurement (still off the grain's thread).
    /// </summary>
    private async Task Measure(bool final)
    {
        if (_measuring is { IsCompleted: true } done)
        {
            _measuring = null;
            Apply(done);
        }
        long now = Environment.TickCount64;
        if (_measuring is null && (final || now - _lastMeasureStart >= (long)MeasureInterval.TotalMilliseconds))
        {
            _lastMeasureStart = now;
            var root = _root;
            _measuring = _store.MeasureAsync(root);
        }
        if (final && _measuring is { } last)
        {
            await Task.WhenAny(last);
            _measuring = null;
            Apply(last);
        }
    }

    private void Apply(Task<CheckpointUsage> measurement)
    {
        if (measurement.Exception?.GetBaseException() is { } e)
        {
            _logger.LogDebug(e, "Experiment {Experiment}: could not measure checkpoints under {Root}", _experiment, _root);
            return;
        }
        var usage = measurement.Result;
        _state.Samples++;
        _state.Files = usage.Files;
        _state.Bytes = usage.Bytes;
        _state.HighWaterFiles = Math.Max(_state.HighWaterFiles, usage.Files);
        _state.HighWaterBytes = Math.Max(_state.HighWaterBytes, usage.Bytes);
        if (_budget is not null)
        {
            int paused = _budget.PausedTrials().Count(usage.Trials.Contains);
            _state.HighWaterPausedTrials = Math.Max(_state.HighWaterPausedTrials, paused);
        }
    }
}
