using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.Interfaces;

/// <summary>
/// One rung level of one bracket of one experiment (key: "experiment/bracket/level"). Records every metric that
/// reaches the level and makes the continue / stop / pause and promotion decisions. Never waits on a trial:
/// the promotion message to a trial is one-way, so rung and trial calls cannot deadlock.
/// </summary>
public interface IRungGrain : IGrainWithStringKey
{
    /// <summary>A trial reached this level with <paramref name="value"/>: record it and decide. Idempotent per trial.</summary>
    Task<TrialDecision> OnResult(RungConfig config, int trialId, double value);

    /// <summary>A worker is free: promote the best promotable paused trial here, if any, by telling it to resume.
    /// Returns the promoted trial id, or null.</summary>
    Task<int?> TryPromote(RungConfig config, int runId);

    /// <summary>A trial bound for this (synchronous) rung failed: record it as worst so the rung can still fill.</summary>
    Task OnTrialFailed(RungConfig config, int trialId);

    /// <summary>The recorded entries.</summary>
    Task<RungSnapshot> GetSnapshot();
}
