using OrleansHpo.Core.Search;

namespace OrleansHpo.ModelSearch.Providers;

/// <summary>The model-based searcher providers OrleansHpo ships: "bayesopt" (MOBSTER) and "kde" (BOHB).</summary>
public static class ModelSearchProviders
{
    public static IReadOnlyList<ISearcherProvider> All() => [new BayesOptSearcherProvider(), new KdeSearcherProvider()];
}
