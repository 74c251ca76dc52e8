using OrleansHpo.Core.Search;

namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// What <see cref="ExperimentScheduler"/> asks of the runtime that drives it (the experiment grain, or the simulator):
/// rungs, the searcher and trials. The runtime owns concurrency, persistence and time; the scheduler owns every rule.
/// </summary>
public interface IExperimentRuntime
{
    /// <summary>Ask a rung for its best promotable trial; on success the promotion (resume to the rung's next milestone as run <paramref name="runId"/>) is under way.</summary>
    ValueTask<int?> TryPromote(RungConfig rung, int runId);

    /// <summary>After the scheduler recorded a promotion in the book: resume bookkeeping (checkpoint budget, searcher status; the simulator starts the run here).</summary>
    ValueTask OnPromoted(int trialId, RungConfig rung, int runId);

    /// <summary>The config of new trial <paramref name="trialId"/> (recorded before it returns), or null when the search is exhausted.</summary>
    ValueTask<Suggestion?> Suggest(int trialId);

    /// <summary>Start new trial <paramref name="trialId"/>, already recorded in the book, to <paramref name="milestone"/>.</summary>
    ValueTask StartTrial(int trialId, int bracket, RungConfig[] rungs, int milestone, int runId);

    /// <summary>A trial of a synchronous bracket failed: its rung counts it as the worst result.</summary>
    ValueTask OnSyncTrialFailed(RungConfig rung, int trialId);
}
