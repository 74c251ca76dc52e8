using OrleansHpo.Core.Training;

namespace CustomTrainable;

/// <summary>
/// What OrleansHpo looks for in a --trainables library: a public ITrainableFactory with a parameterless
/// constructor. Specs then use its registered name, "sgd-regression"; no spec ever names a type to load.
/// </summary>
public sealed class SgdRegressionTrainableFactory : ITrainableFactory
{
    public string Name => "sgd-regression";

    public IReadOnlyList<string> MetricNames { get; } = ["validation_mse"];

    public string Description => "Linear regression by mini-batch SGD with momentum (samples/custom-trainable): learning_rate, momentum, batch_size.";

    public ITrainable Create() => new SgdRegressionTrainable();
}
