using OrleansHpo.Core.Training;

namespace OrleansHpo.TestTrainables;

/// <summary>
/// Test-only trainable "test-hang": a synthetic curve whose epoch <c>hang_at_epoch</c> (default 2) blocks without
/// looking at its cancellation token, as a user's <c>Thread.Sleep(Timeout.Infinite)</c> or a stuck read would.
/// The blocked threads stay until the test process ends (they are background threads), as they would in a user's run.
/// </summary>
public sealed class HangingTrainableFactory : ITrainableFactory
{
    public const string TrainableName = "test-hang";

    public string Name => TrainableName;

    public IReadOnlyList<string> MetricNames => ["loss"];

    public string Description => "test-only: blocks in TrainEpoch at hang_at_epoch, ignoring cancellation";

    public ITrainable Create() => new Hanging();

    private sealed class Hanging : ITrainable
    {
        private readonly SyntheticTrainable _inner = new();
        private int _hangAt = 2;

        public void Setup(TrialContext context)
        {
            _inner.Setup(context);
            if (context.Config.TryGetValue("hang_at_epoch", out var value))
            {
                _hangAt = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
        {
            if (epoch == _hangAt)
            {
                Thread.Sleep(Timeout.Infinite); // deliberately ignores cancellationToken
            }
            return _inner.TrainEpoch(epoch, cancellationToken);
        }

        public void SaveCheckpoint(Stream stream) => _inner.SaveCheckpoint(stream);

        public void LoadCheckpoint(Stream stream) => _inner.LoadCheckpoint(stream);

        public void Dispose() => _inner.Dispose();
    }
}
