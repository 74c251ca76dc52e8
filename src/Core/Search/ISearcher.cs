namespace OrleansHpo.Core.Search;

/// <summary>Proposes the config of each new trial.</summary>
public interface ISearcher
{
    /// <summary>The config for trial <paramref name="trialId"/> (all keys, fixed ones included), or null when the search is exhausted.</summary>
    IReadOnlyDictionary<string, object>? Suggest(int trialId);
}
