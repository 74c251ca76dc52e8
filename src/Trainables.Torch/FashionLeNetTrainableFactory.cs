using OrleansHpo.Core.Training;

namespace OrleansHpo.Trainables.Torch;

/// <summary>Registers <see cref="FashionLeNetTrainable"/> as "fashion-lenet".</summary>
public sealed class FashionLeNetTrainableFactory : ITrainableFactory
{
    /// <summary>The name specs use.</summary>
    public const string RegisteredName = "fashion-lenet";

    public string Name => RegisteredName;

    public IReadOnlyList<string> MetricNames { get; } = ["validation_error", "accuracy", "train_loss"];

    public string Description => "TorchSharp LeNet (d2l) on FashionMNIST with SGD: learning_rate, batch_size.";

    public ITrainable Create() => new FashionLeNetTrainable();
}
