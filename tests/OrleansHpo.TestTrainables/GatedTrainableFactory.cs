using System.Globalization;
using OrleansHpo.Core.Training;

namespace OrleansHpo.TestTrainables;

/// <summary>
/// Test-only trainable "test-gated": the synthetic curve, but every epoch from 2 on waits (honouring cancellation)
/// until the file named by <c>gate_file</c> exists. A test applies a fault while the run cannot finish, then opens
/// the gate: no timing assumption, however loaded the machine.
/// </summary>
public sealed class GatedTrainableFactory : ITrainableFactory
{
    public string Name => "test-gated";

    public IReadOnlyList<string> MetricNames => ["loss"];

    public string Description => "test-only: epochs from 2 on wait until gate_file exists";

    public ITrainable Create() => new Gated();

    private sealed class Gated : ITrainable
    {
        private readonly SyntheticTrainable _inner = new();
        private string? _gate;

        public void Setup(TrialContext context)
        {
            _inner.Setup(context);
            _gate = context.Config.TryGetValue("gate_file", out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
        }

        public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
        {
            while (epoch >= 2 && _gate is not null && !File.Exists(_gate))
            {
                cancellationToken.WaitHandle.WaitOne(20);
                cancellationToken.ThrowIfCancellationRequested();
            }
            return _inner.TrainEpoch(epoch, cancellationToken);
        }

        public void SaveCheckpoint(Stream stream) => _inner.SaveCheckpoint(stream);

        public void LoadCheckpoint(Stream stream) => _inner.LoadCheckpoint(stream);

        public void Dispose() => _inner.Dispose();
    }
}
