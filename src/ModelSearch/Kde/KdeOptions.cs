namespace OrleansHpo.ModelSearch.Kde;

/// <summary>Options of the "kde" searcher (BOHB), with Syne Tune v0.13's defaults (<c>searchers/kde/kde_searcher.py</c>).</summary>
public sealed record KdeOptions
{
    /// <summary>Percentage of observations (at the model's level) that form the "good" set.</summary>
    public int TopNPercent { get; init; } = 15;

    /// <summary>Candidates sampled from the widened good density per suggestion.</summary>
    public int NumCandidates { get; init; } = 64;

    /// <summary>Widening of the good density's bandwidth when sampling continuous coordinates.</summary>
    public double BandwidthFactor { get; init; } = 3;

    /// <summary>Lower bound of every bandwidth.</summary>
    public double MinBandwidth { get; init; } = 1e-3;

    /// <summary>Fraction of model-phase suggestions drawn at random.</summary>
    public double RandomFraction { get; init; } = 0.33;

    /// <summary>Minimum size of the good set; null: the number of hyperparameters.</summary>
    public int? NumMinDataPoints { get; init; }
}
