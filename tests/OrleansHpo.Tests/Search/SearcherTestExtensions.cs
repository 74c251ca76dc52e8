using OrleansHpo.Core.Search;

namespace OrleansHpo.Tests.Search;

internal static class SearcherTestExtensions
{
    /// <summary>The config a searcher suggests for a trial with nothing pending.</summary>
    public static IReadOnlyDictionary<string, object>? Suggest(this ISearcher searcher, int trialId) => searcher.Suggest(trialId, [])?.Config;
}
