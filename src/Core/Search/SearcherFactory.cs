using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Search;

/// <summary>Builds the searcher an <see cref="ExperimentSpec"/> asks for.</summary>
public static class SearcherFactory
{
    /// <summary>
    /// Resolves points_to_evaluate (null: one first trial at <see cref="ConfigSpace.Default"/>; empty: none) and
    /// creates the random or grid searcher.
    /// </summary>
    public static ISearcher Create(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var initial = ResolveInitialPoints(spec);
        return spec.Searcher.Type switch
        {
            SearcherType.Grid => new GridSearcher(spec.ConfigSpace, spec.Searcher.GridPoints, initial),
            _ => new RandomSearcher(spec.ConfigSpace, spec.Searcher.Seed, initial),
        };
    }

    /// <summary>The points evaluated first: points_to_evaluate, or the default config when it is null.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object>> ResolveInitialPoints(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.PointsToEvaluate ?? [spec.ConfigSpace.Default()];
    }
}
