using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Search;

/// <summary>Builds the searcher an <see cref="ExperimentSpec"/> asks for.</summary>
public static class SearcherFactory
{
    /// <summary>
    /// Resolves points_to_evaluate (null: one first trial at <see cref="ConfigSpace.Default"/>; empty: none) and
    /// creates the searcher: random and grid are built in, other types come from <paramref name="providers"/>.
    /// </summary>
    /// <exception cref="SearcherSpecException">The type is unknown (the message names the known types) or a provider rejected its options.</exception>
    public static ISearcher Create(ExperimentSpec spec, IEnumerable<ISearcherProvider>? providers = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var initial = ResolveInitialPoints(spec);
        switch (spec.Searcher.Type)
        {
            case SearcherSpec.Grid:
                return new GridSearcher(spec.ConfigSpace, spec.Searcher.GridPoints, initial);
            case SearcherSpec.Random:
                return new RandomSearcher(spec.ConfigSpace, spec.Searcher.Seed, initial);
        }
        var all = (providers ?? []).ToList();
        var provider = all.LastOrDefault(p => p.Type == spec.Searcher.Type);
        if (provider is null)
        {
            var known = new[] { SearcherSpec.Random, SearcherSpec.Grid }.Concat(all.Select(p => p.Type)).Distinct();
            throw new SearcherSpecException($"searcher.type: unknown searcher '{spec.Searcher.Type}'; known: {string.Join(", ", known)}");
        }
        try
        {
            return provider.Create(spec, initial);
        }
        catch (ArgumentException e)
        {
            throw new SearcherSpecException(e.Message.StartsWith("searcher", StringComparison.Ordinal) ? e.Message : "searcher: " + e.Message, e);
        }
    }

    /// <summary>The points evaluated first: points_to_evaluate, or the default config when it is null.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object>> ResolveInitialPoints(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.PointsToEvaluate ?? [spec.ConfigSpace.Default()];
    }
}
