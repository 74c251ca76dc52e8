namespace OrleansHpo.Core.Search;

/// <summary>
/// Base of searchers whose config of trial i depends only on i (and the seed): random and grid search, and the
/// simulator's table of recorded curves. They ignore observations.
/// </summary>
public abstract class TrialIdSearcher : ISearcher
{
    /// <summary>The config of trial <paramref name="trialId"/> with its source, or null when exhausted.</summary>
    protected abstract Suggestion? ConfigOf(int trialId);

    public Suggestion? Suggest(int trialId, IReadOnlyCollection<int> pending) => ConfigOf(trialId);

    /// <summary>The config of trial <paramref name="trialId"/> alone (no pending set, no observations needed).</summary>
    public IReadOnlyDictionary<string, object>? Suggest(int trialId) => ConfigOf(trialId)?.Config;

    public virtual void OnTrialStarted(int trialId, IReadOnlyDictionary<string, object> config)
    {
    }

    public virtual void OnReport(int trialId, int resource, double metric)
    {
    }

    public virtual void OnTrialStatus(int trialId, SearcherTrialStatus status)
    {
    }
}
