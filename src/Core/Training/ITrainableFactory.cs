namespace OrleansHpo.Core.Training;

/// <summary>Registers a trainable under a name that specs refer to.</summary>
public interface ITrainableFactory
{
    /// <summary>The registered name used in a spec's <c>trainable</c> field.</summary>
    string Name { get; }

    /// <summary>Metric names every report contains (they become results.csv columns).</summary>
    IReadOnlyList<string> MetricNames { get; }

    /// <summary>One-line description shown by <c>hpo trainables</c>.</summary>
    string Description { get; }

    ITrainable Create();
}
