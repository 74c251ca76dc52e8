using Microsoft.Extensions.Logging;
using OrleansHpo.Core.Checkpoints;
using OrleansHpo.Core.Spec;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.State;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// The experiment grain's checkpoint bookkeeping, kept out of the grain: passes the events the experiment sees (start,
/// reports, pause, promotion, end) to the pure <see cref="CheckpointPolicy"/>, which owns every rule (budget inputs,
/// /// time ratio, keep_best), asks the paused trials it chooses to drop their checkpoints, and measures the checkpoint
/// folder (disk high-water marks) off the grain turn, at most once a second: a folder walk is I/O that grows with the
/// number of checkpoints, and ran in every turn before (the 2x throughput regression of docs/benchmarks.md). The
/// bookkeeping lives with the experiment grain because the experiment sees every report and every promotion; rung
/// grains keep talking to trials one-way only, and the experiment only ever awaits trials that never await it.
/// </summary>
internal sealed class ExperimentCheckpoints
{
    private readonly ExperimentSpec _spec;
    private readonly CheckpointAccountingState _state;
    private readonly CheckpointScope _root;
    private readonly ICheckpointStore _store;
    private readonly IGrainFactory _grains;
    private readonly string _experiment;
    private readonly ILogger _logger;
    private readonly CheckpointPolicy _policy;
    private Task<CheckpointUsage>? _measuring;
    private long _lastMeasureStart = long.MinValue / 2;

    /// <summary>Least time between two measurements of the checkpoint folder.</summary>
    public static readonly TimeSpan MeasureInterval = TimeSpan.FromSeconds(1);

    public ExperimentCheckpoints(ExperimentSpec spec, SchedulerLayout layout, CheckpointAccountingState state, CheckpointScope root,
        ICheckpointStore store, IGrainFactory grains, string experiment, ILogger logger)
    {
        _spec = spec;
        _state = state;
        _root = root;
        _store = store;
        _grains = grains;
        _experiment = experiment;
        _logger = logger;
        _policy = new CheckpointPolicy(spec, layout, state.BudgetJson);
    }

    public int NumCheckpointsRemoved => _policy.NumCheckpointsRemoved;

    public long CostResources => _policy.CostResources;

    public int NumResumedWithoutCheckpoint => _policy.NumResumedWithoutCheckpoint;

    public void OnStarted(int trialId) => _policy.OnStarted(trialId);

    /// <summary>Reports of a trial of <paramref name="bracket"/> (a pause at a rung level is an arrival there).</summary>
    public void OnReports(EpochReport[] reports, int bracket)
    {
        foreach (var report in reports)
        {
            _policy.OnReport(report.TrialId, bracket, report.Epoch, report.Decision,
                report.Metrics.TryGetValue(_spec.Metric, out var value) ? value : null);
        }
    }

    /// <summary>A trial left its slot: paused at <paramref name="level"/>, or finished.</summary>
    public void OnLeftSlot(int trialId, int bracket, TrialStatus outcome, int level, EpochReport[] reports)
    {
        if (outcome == TrialStatus.Completed)
        {
            KeepIfBest(trialId, reports);
        }
        _policy.OnLeftSlot(trialId, bracket, outcome, level);
    }

    /// <summary>A rung promoted a paused trial; if its checkpoint was removed it retrains (counted in cost_resources).</summary>
    public void OnPromoted(int trialId, RungConfig rung) => LogRetrain(trialId, _policy.OnPromoted(trialId, rung));

    private void LogRetrain(int trialId, int cost)
    {
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
        var removals = _policy.TakeRemovals(started, elapsedSeconds);
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
        while (_state.ToDrop.Count > 0)
        {
            await Drop(_state.ToDrop[0]);
            _state.ToDrop.RemoveAt(0);
        }
        await Measure(final);
    }

    /// <summary>keep_best (<see cref="CheckpointPolicy.KeepBest"/>): the trials that fall out of the best K are queued for deletion.</summary>
    private void KeepIfBest(int trialId, EpochReport[] reports)
    {
        double? value = reports.Length > 0 && reports[^1].Metrics.TryGetValue(_spec.Metric, out var v) ? v : null;
        var (kept, dropped) = _policy.KeepBest([.. _state.Kept.Select(k => (k.TrialId, k.Value))], trialId, value);
        _state.Kept = [.. kept.Select(k => new KeptCheckpoint(k.TrialId, k.Value))];
        _state.ToDrop.AddRange(dropped);
    }

    /// <summary>After a restart, a promotion the rung recorded is delivered again: make sure the budget saw it.</summary>
    public void OnRecoveredPromotion(int trialId, RungConfig rung) => LogRetrain(trialId, _policy.OnRecoveredPromotion(trialId, rung));

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
    public void Save() => _state.BudgetJson = _policy.ToJson();

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
        if (_policy.Budget is { } budget)
        {
            int paused = budget.PausedTrials().Count(usage.Trials.Contains);
            _state.HighWaterPausedTrials = Math.Max(_state.HighWaterPausedTrials, paused);
        }
    }
}
