using Microsoft.Extensions.Logging;
using OrleansHpo.Core.Scheduling;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.State;

namespace OrleansHpo.Grains;

/// <summary>
/// One rung level of one bracket. Holds the rung's entries and applies Syne Tune's rules through the pure
/// <see cref="AsyncRung"/> / <see cref="SyncRung"/> classes; this grain only adds persistence and messaging.
/// A promotion is a one-way message to the trial, so this grain never waits on a trial.
/// </summary>
[GrainType("hpo-rung")]
public sealed class RungGrain(
    [PersistentState("rung", HpoStorage.Name)] IPersistentState<RungState> state,
    ILogger<RungGrain> logger) : Grain, IRungGrain
{
    private AsyncRung? _async;
    private SyncRung? _sync;

    public async Task<TrialDecision> OnResult(RungConfig config, int trialId, double value)
    {
        TrialDecision decision;
        if (config.Kind == RungKind.Stopping)
        {
            var rung = Async(config);
            decision = rung.OnResultStopping(trialId, value) ? TrialDecision.Continue : TrialDecision.Stop;
        }
        else if (config.Kind == RungKind.Promotion)
        {
            Async(config).Add(trialId, value);
            decision = TrialDecision.Pause;
        }
        else
        {
            Sync(config).Add(trialId, value);
            decision = TrialDecision.Pause;
        }
        await Save();
        return decision;
    }

    public async Task<int?> TryPromote(RungConfig config, int runId)
    {
        int? promoted = config.Kind switch
        {
            RungKind.Promotion => Async(config).TryPromote(),
            RungKind.Synchronous => Sync(config).TryPromote(),
            _ => null,
        };
        if (promoted is { } trialId)
        {
            await Save();
            Execution.HpoMetrics.Promotions.Add(1);
            logger.LogDebug("Rung {Rung}: promote trial {TrialId} to {Milestone}", config.GrainKey, trialId, config.NextMilestone);
            // One-way: the trial reactivates, loads its checkpoint and trains to the next milestone.
            GrainFactory.GetGrain<ITrialGrain>(TrialKeys.Of(config.Experiment, trialId)).Resume(config.NextMilestone, runId).Ignore();
        }
        return promoted;
    }

    public async Task OnTrialFailed(RungConfig config, int trialId)
    {
        if (config.Kind == RungKind.Synchronous)
        {
            Sync(config).Add(trialId, config.Mode == Core.Spec.Mode.Min ? double.PositiveInfinity : double.NegativeInfinity);
            await Save();
        }
    }

    public Task<RungSnapshot> GetSnapshot()
    {
        var (bracket, level) = ParseKey();
        return Task.FromResult(new RungSnapshot(bracket, level,
            [.. state.State.Entries.Select(e => new RungEntryView(e.TrialId, e.Value, e.Promoted))]));
    }

    private AsyncRung Async(RungConfig config) =>
        _async ??= AsyncRung.Restore(config.Level, config.Quantile, config.Mode,
            state.State.Entries.Select(e => new RungEntry(e.TrialId, e.Value, e.Promoted, e.Arrival)));

    private SyncRung Sync(RungConfig config) =>
        _sync ??= SyncRung.Restore(config.Level, config.Capacity, config.NumPromote, config.Mode,
            state.State.Entries.Select(e => new RungEntry(e.TrialId, e.Value, e.Promoted, e.Arrival)));

    private Task Save()
    {
        IEnumerable<RungEntry> entries = _async?.Entries ?? _sync?.Entries ?? [];
        state.State.Entries = [.. entries.Select(e => new RungEntryState(e.TrialId, e.Value, e.Promoted, e.Arrival))];
        return state.WriteStateAsync();
    }

    private (int Bracket, int Level) ParseKey()
    {
        var parts = this.GetPrimaryKeyString().Split('/');
        return (int.Parse(parts[^2], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
