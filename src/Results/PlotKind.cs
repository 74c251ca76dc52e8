namespace OrleansHpo.Results;

/// <summary>Which figure <see cref="ExperimentPlots"/> draws.</summary>
public enum PlotKind
{
    /// <summary>The three figures below, stacked.</summary>
    Overview,

    /// <summary>Best metric so far against wall-clock time.</summary>
    BestSoFar,

    /// <summary>Metric against epoch, one line per trial.</summary>
    Curves,

    /// <summary>Trials recorded at each rung level and promotions from it, over time.</summary>
    Rungs,
}
