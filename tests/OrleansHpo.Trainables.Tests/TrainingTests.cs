using OrleansHpo.Core.Training;
using OrleansHpo.Trainables.Torch;

namespace OrleansHpo.Trainables.Tests;

public sealed class TrainingTests
{
    [Theory]
    [InlineData("fashion-mlp")]
    [InlineData("fashion-lenet")]
    public void Metrics_are_the_factory_metrics_and_in_range(string name)
    {
        var factory = TorchTrainables.Factories.Single(f => f.Name == name);
        var config = name == "fashion-mlp" ? Harness.SmallMlp(subset: 1000) : Harness.SmallLeNet(subset: 1000);
        var (metrics, _) = Harness.Run(name, config, 1, 2);
        foreach (var report in metrics)
        {
            Assert.Equal(factory.MetricNames.Order(), report.Keys.Order());
            Assert.InRange(report["validation_error"], 0.0, 1.0);
            Assert.InRange(report["accuracy"], 0.0, 1.0);
            Assert.Equal(1.0, report["accuracy"] + report["validation_error"], 12);
            Assert.True(double.IsFinite(report["train_loss"]) && report["train_loss"] > 0, $"train_loss {report["train_loss"]}");
        }
    }

    [Fact]
    public void Mlp_learns_fashion_mnist()
    {
        var config = new Dictionary<string, object>
        {
            ["n_units_1"] = 128L,
            ["n_units_2"] = 64L,
            ["batch_size"] = 64L,
            ["dropout_1"] = 0.1,
            ["dropout_2"] = 0.1,
            ["learning_rate"] = 2e-3,
            ["train_subset"] = 5000L,
        };
        using var trainable = (FashionMnistTrainable)Harness.Create("fashion-mlp");
        trainable.Setup(Harness.Context(config, 1, 3));
        Assert.Equal(5000, trainable.TrainCount);
        Assert.Equal(1000, trainable.ValidationCount);
        IReadOnlyDictionary<string, double> last = new Dictionary<string, double>();
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            last = trainable.TrainEpoch(epoch, CancellationToken.None);
        }
        Assert.True(last["validation_error"] < 0.35, $"validation_error {last["validation_error"]}");

        var test = trainable.EvaluateTestSet();
        Assert.True(test["test_error"] < 0.4, $"test_error {test["test_error"]}");
    }

    [Fact]
    public void Defaults_use_the_full_split()
    {
        using var trainable = (FashionMnistTrainable)Harness.Create("fashion-lenet");
        trainable.Setup(Harness.Context(new Dictionary<string, object>(), 1, 1));
        Assert.Equal(50_000, trainable.TrainCount);
        Assert.Equal(10_000, trainable.ValidationCount);
        Assert.Equal("cpu", trainable.DeviceName, ignoreCase: true);
    }

    [Fact]
    public void Factories_are_registered_under_their_names()
    {
        var registry = new TrainableRegistry(TorchTrainables.Factories);
        Assert.Equal(["fashion-lenet", "fashion-mlp"], registry.Names);
        Assert.IsType<FashionMlpTrainable>(registry.Get("fashion-mlp").Create(), exactMatch: true);
        Assert.IsType<FashionLeNetTrainable>(new FashionLeNetTrainableFactory().Create(), exactMatch: true);
        Assert.All(TorchTrainables.Factories, f => Assert.Equal(["validation_error", "accuracy", "train_loss"], f.MetricNames));
    }

    [Theory]
    [InlineData("batch_size", 0L)]
    [InlineData("batch_size", "many")]
    [InlineData("dropout_1", 1.5)]
    [InlineData("learning_rate", -1.0)]
    public void Invalid_hyperparameters_are_rejected(string key, object value)
    {
        var config = Harness.SmallMlp(subset: 500);
        config[key] = value;
        using var trainable = Harness.Create("fashion-mlp");
        var error = Assert.Throws<ArgumentException>(() => trainable.Setup(Harness.Context(config, 1, 1)));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Cuda_request_without_cuda_is_a_clear_error()
    {
        TorchRuntime.EnsureNativeLoadable();
        if (TorchSharp.torch.cuda.is_available())
        {
            return; // Nothing to check on a machine that has CUDA.
        }
        using var trainable = Harness.Create("fashion-mlp");
        var context = Harness.Context(Harness.SmallMlp(subset: 500), 1, 1) with { Device = "cuda:0" };
        var error = Assert.Throws<InvalidOperationException>(() => trainable.Setup(context));
        Assert.Contains("CUDA is not available", error.Message);
    }

    [Fact]
    public void Auto_device_runs_without_cuda()
    {
        using var trainable = (FashionMnistTrainable)Harness.Create("fashion-mlp");
        trainable.Setup(Harness.Context(Harness.SmallMlp(subset: 200), 1, 1) with { Device = "auto" });
        var metrics = trainable.TrainEpoch(1, CancellationToken.None);
        Assert.InRange(metrics["validation_error"], 0.0, 1.0);
    }
}
