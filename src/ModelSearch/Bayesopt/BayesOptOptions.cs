namespace OrleansHpo.ModelSearch.Bayesopt;

/// <summary>
/// Options of the "bayesopt" searcher (MOBSTER under ASHA/Hyperband), named and defaulted as in Syne Tune v0.13's
/// <c>gp_searcher_factory.py</c> (<c>_common_defaults</c> with is_hyperband = True) unless noted.
/// </summary>
public sealed record BayesOptOptions
{
    /// <summary>"gp_multitask" (one GP over (x, r), exp-decay-sum resource kernel) or "gp_independent".</summary>
    public string Model { get; init; } = "gp_multitask";

    /// <summary>Random configs after points_to_evaluate before the model is used.</summary>
    public int NumInitRandom { get; init; } = 6;

    /// <summary>Random candidates scored by the acquisition function.</summary>
    public int NumInitCandidates { get; init; } = 250;

    /// <summary>Fantasy samples for pending evaluations.</summary>
    public int NumFantasySamples { get; init; } = 20;

    /// <summary>L-BFGS starts per fit (the first from the initial values).</summary>
    public int OptNStarts { get; init; } = 2;

    /// <summary>Iterations per start.</summary>
    public int OptMaxIter { get; init; } = 50;

    /// <summary>Hyperparameters are refitted whenever the data grows while it has at most this many observations.</summary>
    public int OptSkipInitLength { get; init; } = 150;

    /// <summary>
    /// Beyond <see cref="OptSkipInitLength"/>, refit when (n - init_length) is a multiple of this period; between refits
    /// the posterior uses the latest fit's hyperparameters on all data. Syne Tune's default is 1 (see
    /// docs/model-based-search.md for ours and why).
    /// </summary>
    public int OptSkipPeriod { get; init; } = 20;

    /// <summary>
    /// Hyperparameters are fitted on at most this many observations (chosen by the same rule as the data cap); the
    /// posterior still uses up to <see cref="MaxSizeDataForModel"/>. Not a Syne Tune option (it fits on all data): a
    /// fit costs O(n^3) per evaluation, and this keeps a suggestion within its latency target at 500 observations
    /// (docs/model-based-search.md).
    /// </summary>
    public int OptFitMaxSize { get; init; } = 150;

    /// <summary>At most this many observations are fed to the GP (DEFAULT_MAX_SIZE_DATA_FOR_MODEL).</summary>
    public int MaxSizeDataForModel { get; init; } = 500;

    /// <summary>The acquisition is evaluated at the largest level with at least this many observations, else the lowest.</summary>
    public int ResourceAcqBohbThreshold { get; init; } = 3;

    /// <summary>Skip the local search around the best candidate.</summary>
    public bool SkipLocalOptimization { get; init; }

    /// <summary>EI jitter (on normalized targets).</summary>
    public double EiJitter { get; init; } = 0.01;
}
