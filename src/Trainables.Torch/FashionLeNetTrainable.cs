using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Torch;

/// <summary>
/// d2l's LeNet on FashionMNIST (the model of d2l's HPO chapter): Conv2d(1,6,5,pad 2) → Sigmoid → AvgPool(2) →
/// Conv2d(6,16,5) → Sigmoid → AvgPool(2) → Flatten → Linear(400,120) → Sigmoid → Linear(120,84) → Sigmoid →
/// Linear(84,10), Xavier-uniform weights as d2l.init_cnn, plain SGD. Hyperparameters (defaults):
/// <c>learning_rate</c> (0.1), <c>batch_size</c> (128), <c>train_subset</c>.
/// Reports <c>validation_error</c>, <c>accuracy</c> and <c>train_loss</c> every epoch.
/// </summary>
public sealed class FashionLeNetTrainable : FashionMnistTrainable
{
    public override string Name => FashionLeNetTrainableFactory.RegisteredName;

    private protected override int DefaultBatchSize => 128;

    private protected override string Architecture(IReadOnlyDictionary<string, object> config) => "lenet5-sigmoid sgd";

    private protected override nn.Module<Tensor, Tensor> BuildModel(IReadOnlyDictionary<string, object> config, Generator initGenerator) =>
        new LeNet(initGenerator);

    private protected override OptimizerHelper BuildOptimizer(IReadOnlyDictionary<string, object> config, IEnumerable<Parameter> parameters)
    {
        double learningRate = ConfigValues.Double(config, "learning_rate", 0.1, 0.0, 100.0);
        // Not optim.SGD: see KeptAliveAdam (docs/benchmarks.md, "Known problem"). Same update and checkpoint format.
        return new KeptAliveSgd(parameters, learningRate);
    }
}
