using OrleansHpo.Core.Training;

namespace OrleansHpo.Trainables.Torch;

/// <summary>The factories of this assembly, for a silo or CLI to add to its <see cref="TrainableRegistry"/>.</summary>
public static class TorchTrainables
{
    /// <summary>One factory per trainable: "fashion-mlp" and "fashion-lenet".</summary>
    public static IReadOnlyList<ITrainableFactory> Factories { get; } =
        [new FashionMlpTrainableFactory(), new FashionLeNetTrainableFactory()];
}
