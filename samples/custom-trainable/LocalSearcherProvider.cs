using System.Text.Json;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;

namespace CustomTrainable;

/// <summary>
/// Registers <see cref="LocalSearcher"/> as <c>"searcher": {"type": "local-search", "explore": 0.3}</c>. A library
/// passed with --trainables may hold searcher providers as well as trainables.
/// </summary>
public sealed class LocalSearcherProvider : ISearcherProvider
{
    public string Type => "local-search";

    public ISearcher Create(ExperimentSpec spec, IReadOnlyList<IReadOnlyDictionary<string, object>> initialPoints)
    {
        double explore = 0.3;
        foreach (var (key, value) in spec.Searcher.Options)
        {
            if (key != "explore")
            {
                throw new ArgumentException($"searcher.{key}: unknown option of local-search; allowed: explore");
            }
            if (value.ValueKind != JsonValueKind.Number || value.GetDouble() is < 0 or > 1)
            {
                throw new ArgumentException($"searcher.explore: must be a number in [0, 1], got {value.GetRawText()}");
            }
            explore = value.GetDouble();
        }
        return new LocalSearcher(spec, InitialPoints.Complete(spec.ConfigSpace, initialPoints), explore);
    }
}
