namespace OrleansHpo.Core.Search;

/// <summary>
/// Learns from everything the experiment sees, in the order it saw it (docs/searchers.md). The runtime records every
/// call in order (<see cref="SearcherJournal"/>) and rebuilds a searcher after a restart by replaying them.
/// </summary>
public interface ISearcher
{
    /// <summary>
    /// Config of new trial <paramref name="trialId"/> (all keys, fixed ones included), or null when the search is
    /// exhausted. <paramref name="pending"/>: trials started and not ended (running or paused).
    /// Deterministic: a function of the spec (seed), trialId and the calls made on this instance before, in order.
    /// Randomness comes only from generators seeded by (seed, trialId), never from one that advances across calls,
    /// so that a searcher rebuilt by replay (the runtime then calls <see cref="OnTrialStarted"/> with the recorded
    /// config instead of Suggest) makes the same next suggestion as one that was never interrupted.
    /// </summary>
    Suggestion? Suggest(int trialId, IReadOnlyCollection<int> pending);

    /// <summary>The config of trial <paramref name="trialId"/> is fixed: called right after Suggest returned it, and on replay.</summary>
    void OnTrialStarted(int trialId, IReadOnlyDictionary<string, object> config);

    /// <summary>
    /// A report the scheduler recorded: trial, resource level (e.g. epoch), metric value (the searcher reads the
    /// spec's mode). Not called for reports that a retrain-from-scratch repeats.
    /// </summary>
    void OnReport(int trialId, int resource, double metric);

    /// <summary>The trial paused, was resumed, stopped, completed or failed.</summary>
    void OnTrialStatus(int trialId, SearcherTrialStatus status);
}
