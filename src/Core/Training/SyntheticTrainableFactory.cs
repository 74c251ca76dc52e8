namespace OrleansHpo.Core.Training;

/// <summary>Registers <see cref="SyntheticTrainable"/> as "synthetic".</summary>
public sealed class SyntheticTrainableFactory : ITrainableFactory
{
    public string Name => "synthetic";

    public IReadOnlyList<string> MetricNames { get; } = ["loss", "accuracy"];

    public string Description => "Deterministic learning curves from learning_rate, width, momentum (delay_ms, checkpoint_kb optional).";

    public ITrainable Create() => new SyntheticTrainable();
}
