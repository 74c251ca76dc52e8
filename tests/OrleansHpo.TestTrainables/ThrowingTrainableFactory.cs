using OrleansHpo.Core.Training;

namespace OrleansHpo.TestTrainables;

/// <summary>Test-only trainable "test-throwing-ctor": its trainable's constructor throws, as a user's bad model setup would.</summary>
public sealed class ThrowingTrainableFactory : ITrainableFactory
{
    public string Name => "test-throwing-ctor";

    public IReadOnlyList<string> MetricNames => ["loss"];

    public string Description => "test-only: the trainable's constructor throws";

    public ITrainable Create() => (ITrainable)Activator.CreateInstance(typeof(Broken))!;

    private sealed class Broken : ITrainable
    {
        public Broken() => throw new InvalidOperationException("model weights file 'missing.bin' not found");

        public void Setup(TrialContext context) { }

        public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken) => throw new NotSupportedException();

        public void SaveCheckpoint(Stream stream) { }

        public void LoadCheckpoint(Stream stream) { }

        public void Dispose() { }
    }
}
