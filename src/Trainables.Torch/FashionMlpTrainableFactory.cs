using OrleansHpo.Core.Training;

namespace OrleansHpo.Trainables.Torch;

/// <summary>Registers <see cref="FashionMlpTrainable"/> as "fashion-mlp".</summary>
public sealed class FashionMlpTrainableFactory : ITrainableFactory
{
    /// <summary>The name specs use.</summary>
    public const string RegisteredName = "fashion-mlp";

    public string Name => RegisteredName;

    public IReadOnlyList<string> MetricNames { get; } = ["validation_error", "accuracy", "train_loss"];

    public string Description =>
        "TorchSharp 2-layer MLP on FashionMNIST (Syne Tune mlp_on_fashion_mnist): n_units_1, n_units_2, batch_size, dropout_1, dropout_2, learning_rate, weight_decay.";

    public ITrainable Create() => new FashionMlpTrainable();
}
