using Microsoft.Extensions.Logging;
using OrleansHpo.Core.Scheduling;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.State;

namespace OrleansHpo.Grains;

/// <summary>
/// One rung level of one rung system. Holds the rung's entries; every rule is <see cref="Rung"/>'s (OrleansHpo.Core);
/// this grain only adds persistence and messaging.
/// A promotion is a one-way message to the trial, so this grain never waits on a trial.
/// </summary>
[GrainType("hpo-rung")]
public sealed class RungGrain(
    [PersistentState("rung", HpoStorage.Name)] IPersistentState<RungState> state,
    ILogger<RungGrain> logger) : Grain, IRungGrain
{
    private Rung? _rung;

    public async Task<TrialDecision> OnResult(RungConfig config, int trialId, double value)
    {
        var decision = RungOf(config).OnResult(config.Kind, trialId, value);
        await Save();
        return decision;
    }

    public async Task<int?> TryPromote(RungConfig config, int runId)
    {
        if (RungOf(config).TryPromote(config.Kind) is not { } trialId)
        {
            return null;
        }
        await Save();
        Execution.HpoMetrics.Promotions.Add(1);
        logger.LogDebug("Rung {Rung}: promote trial {TrialId} to {Milestone}", config.GrainKey, trialId, config.NextMilestone);
        // One-way: the trial reactivates, loads its checkpoint and trains to the next milestone.
        GrainFactory.GetGrain<ITrialGrain>(TrialKeys.Of(config.Experiment, trialId)).Resume(config.NextMilestone, runId).Ignore();
        return trialId;
    }

    public async Task OnTrialFailed(RungConfig config, int trialId)
    {
        if (RungOf(config).OnTrialFailed(trialId))
        {
            await Save();
        }
    }

    public Task<RungSnapshot> GetSnapshot()
    {
        var (bracket, level) = ParseKey();
        return Task.FromResult(new RungSnapshot(bracket, level,
            [.. state.State.Entries.Select(e => new RungEntryView(e.TrialId, e.Value, e.Promoted))]));
    }

    private Rung RungOf(RungConfig config) =>
        _rung ??= Rung.Restore(config, state.State.Entries.Select(e => new RungEntry(e.TrialId, e.Value, e.Promoted, e.Arrival)));

    private Task Save()
    {
        IEnumerable<RungEntry> entries = _rung?.Entries ?? [];
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
