using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Search;

/// <summary>Creates searchers of one type that Core does not know (e.g. "bayesopt", "kde" in src/ModelSearch).</summary>
public interface ISearcherProvider
{
    /// <summary>The spec's <c>searcher.type</c> this provider serves.</summary>
    string Type { get; }

    /// <summary>
    /// A searcher for <paramref name="spec"/> (its <c>searcher</c> options in <see cref="SearcherSpec.Options"/>),
    /// proposing <paramref name="initialPoints"/> first.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and what is allowed.</exception>
    ISearcher Create(ExperimentSpec spec, IReadOnlyList<IReadOnlyDictionary<string, object>> initialPoints);
}
