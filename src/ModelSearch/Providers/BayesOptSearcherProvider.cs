using System.Text.Json;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.ModelSearch.Bayesopt;

namespace OrleansHpo.ModelSearch.Providers;

/// <summary>Creates "bayesopt" searchers (MOBSTER under ASHA/Hyperband) from a spec and its raw searcher options.</summary>
public sealed class BayesOptSearcherProvider : ISearcherProvider
{
    public const string TypeName = "bayesopt";

    private static readonly string[] Known =
    [
        "model", "num_init_random", "num_init_candidates", "num_fantasy_samples", "opt_nstarts", "opt_maxiter",
        "opt_skip_init_length", "opt_skip_period", "opt_fit_max_size", "max_size_data_for_model", "resource_acq", "resource_acq_bohb_threshold",
        "skip_local_optimization", "gp_resource_kernel", "gp_base_kernel", "acq_function",
    ];

    public string Type => TypeName;

    /// <inheritdoc />
    public ISearcher Create(ExperimentSpec spec, IReadOnlyList<IReadOnlyDictionary<string, object>> initialPoints)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Create(spec, initialPoints, spec.Searcher.Options);
    }

    /// <exception cref="ArgumentException">An option is unknown or invalid (the message names it and the fix).</exception>
    public static BayesOptOptions ParseOptions(IReadOnlyDictionary<string, JsonElement>? options)
    {
        var r = new SearcherOptionReader(TypeName, options, Known);
        // Only Syne Tune's MOBSTER defaults for these are implemented; the keys are accepted so specs can state them.
        r.Choice("resource_acq", "bohb", "bohb");
        r.Choice("gp_resource_kernel", "exp-decay-sum", "exp-decay-sum");
        r.Choice("gp_base_kernel", "matern52-ard", "matern52-ard");
        r.Choice("acq_function", "ei", "ei");
        var d = new BayesOptOptions();
        return new BayesOptOptions
        {
            Model = r.Choice("model", d.Model, "gp_multitask", "gp_independent"),
            NumInitRandom = r.Int("num_init_random", d.NumInitRandom, 0),
            NumInitCandidates = r.Int("num_init_candidates", d.NumInitCandidates, 2),
            NumFantasySamples = r.Int("num_fantasy_samples", d.NumFantasySamples, 1),
            OptNStarts = r.Int("opt_nstarts", d.OptNStarts, 1),
            OptMaxIter = r.Int("opt_maxiter", d.OptMaxIter, 1),
            OptSkipInitLength = r.Int("opt_skip_init_length", d.OptSkipInitLength, 0),
            OptSkipPeriod = r.Int("opt_skip_period", d.OptSkipPeriod, 1),
            OptFitMaxSize = r.Int("opt_fit_max_size", d.OptFitMaxSize, 1),
            MaxSizeDataForModel = r.Int("max_size_data_for_model", d.MaxSizeDataForModel, 1),
            ResourceAcqBohbThreshold = r.Int("resource_acq_bohb_threshold", d.ResourceAcqBohbThreshold, 1),
            SkipLocalOptimization = r.Bool("skip_local_optimization", d.SkipLocalOptimization),
        };
    }

    /// <summary>The searcher for <paramref name="spec"/> with seed, mode, rung levels and max_t from it.</summary>
    public static ISearcher Create(
        ExperimentSpec spec,
        IReadOnlyList<IReadOnlyDictionary<string, object>> initialPoints,
        IReadOnlyDictionary<string, JsonElement>? options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new BayesOptSearcher(spec.ConfigSpace, spec.Mode, spec.Searcher.Seed, initialPoints, ParseOptions(options), SearcherLevels.Of(spec), spec.Scheduler.MaxT);
    }
}
