using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Torch;

/// <summary>
/// Syne Tune's <c>mlp_on_fashion_mnist</c> benchmark: Linear(784, n_units_1) → ReLU → Dropout(dropout_1) →
/// Linear(n_units_2) → ReLU → Dropout(dropout_2) → Linear(10), trained with Adam (L2 <c>weight_decay</c>) on
/// cross-entropy. Hyperparameters (defaults): <c>n_units_1</c> (256), <c>n_units_2</c> (256), <c>batch_size</c> (64),
/// <c>dropout_1</c> (0), <c>dropout_2</c> (0), <c>learning_rate</c> (1e-3), <c>weight_decay</c> (0), <c>train_subset</c>.
/// Reports <c>validation_error</c>, <c>accuracy</c> and <c>train_loss</c> every epoch.
/// </summary>
public sealed class FashionMlpTrainable : FashionMnistTrainable
{
    public override string Name => FashionMlpTrainableFactory.RegisteredName;

    private protected override int DefaultBatchSize => 64;

    private protected override string Architecture(IReadOnlyDictionary<string, object> config)
    {
        var (units1, units2) = Units(config);
        return string.Create(CultureInfo.InvariantCulture, $"mlp 784-{units1}-{units2}-10 adam");
    }

    private protected override nn.Module<Tensor, Tensor> BuildModel(IReadOnlyDictionary<string, object> config, Generator initGenerator)
    {
        var (units1, units2) = Units(config);
        double dropout1 = ConfigValues.Double(config, "dropout_1", 0.0, 0.0, 0.999);
        double dropout2 = ConfigValues.Double(config, "dropout_2", 0.0, 0.0, 0.999);
        return new MlpNet(units1, units2, dropout1, dropout2, initGenerator);
    }

    private protected override OptimizerHelper BuildOptimizer(IReadOnlyDictionary<string, object> config, IEnumerable<Parameter> parameters)
    {
        double learningRate = ConfigValues.Double(config, "learning_rate", 1e-3, 0.0, 100.0);
        double weightDecay = ConfigValues.Double(config, "weight_decay", 0.0, 0.0, 100.0);
        // Not optim.Adam: its step hands short-lived implicit Scalars to libtorch, which a concurrent trial's GC can
        // finalize mid-call (docs/benchmarks.md, "Known problem"). Same update and checkpoint format.
        return new KeptAliveAdam(parameters, learningRate, weightDecay);
    }

    private protected override void AttachNoiseGenerator(nn.Module<Tensor, Tensor> model, Generator generator) =>
        ((MlpNet)model).NoiseGenerator = generator;

    private static (int Units1, int Units2) Units(IReadOnlyDictionary<string, object> config) =>
        (ConfigValues.Int(config, "n_units_1", 256, 1, 1 << 16), ConfigValues.Int(config, "n_units_2", 256, 1, 1 << 16));
}
