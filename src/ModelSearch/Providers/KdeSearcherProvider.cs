using System.Text.Json;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.ModelSearch.Kde;

namespace OrleansHpo.ModelSearch.Providers;

/// <summary>Creates "kde" searchers (BOHB under ASHA/Hyperband) from a spec and its raw searcher options.</summary>
public sealed class KdeSearcherProvider : ISearcherProvider
{
    public const string TypeName = "kde";

    private static readonly string[] Known =
        ["top_n_percent", "num_candidates", "bandwidth_factor", "min_bandwidth", "random_fraction", "num_min_data_points"];

    public string Type => TypeName;

    /// <inheritdoc />
    public ISearcher Create(ExperimentSpec spec, IReadOnlyList<IReadOnlyDictionary<string, object>> initialPoints)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Create(spec, initialPoints, spec.Searcher.Options);
    }

    /// <exception cref="ArgumentException">An option is unknown or invalid (the message names it and the fix).</exception>
    public static KdeOptions ParseOptions(IReadOnlyDictionary<string, JsonElement>? options)
    {
        var r = new SearcherOptionReader(TypeName, options, Known);
        var d = new KdeOptions();
        return new KdeOptions
        {
            TopNPercent = r.Int("top_n_percent", d.TopNPercent, 1),
            NumCandidates = r.Int("num_candidates", d.NumCandidates, 1),
            BandwidthFactor = r.Double("bandwidth_factor", d.BandwidthFactor, 1e-6, 1e6),
            MinBandwidth = r.Double("min_bandwidth", d.MinBandwidth, 1e-12, 1.0),
            RandomFraction = r.Double("random_fraction", d.RandomFraction, 0.0, 1.0),
            NumMinDataPoints = r.NullableInt("num_min_data_points", 1),
        };
    }

    /// <summary>The searcher for <paramref name="spec"/>; it learns from reports at the rung levels and max_t.</summary>
    public static ISearcher Create(
        ExperimentSpec spec,
        IReadOnlyList<IReadOnlyDictionary<string, object>> initialPoints,
        IReadOnlyDictionary<string, JsonElement>? options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var levels = SearcherLevels.Of(spec).Append(spec.Scheduler.MaxT).Distinct().ToList();
        return new KdeSearcher(spec.ConfigSpace, spec.Mode, spec.Searcher.Seed, initialPoints, ParseOptions(options), levels);
    }
}
