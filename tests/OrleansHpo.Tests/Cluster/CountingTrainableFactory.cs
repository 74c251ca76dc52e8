using System.Collections.Concurrent;
using OrleansHpo.Core.Training;

namespace OrleansHpo.Tests.Cluster;

/// <summary>The synthetic trainable, counting every (experiment seed, trial, epoch) it trains, so tests can prove no epoch is trained twice.</summary>
public sealed class CountingTrainableFactory : ITrainableFactory
{
    public static ConcurrentDictionary<(int Seed, int Trial, int Epoch), int> Trained { get; } = new();

    public string Name => "counting";

    public IReadOnlyList<string> MetricNames { get; } = ["loss", "accuracy"];

    public string Description => "synthetic, counting epochs trained";

    public ITrainable Create() => new Counting();

    private sealed class Counting : ITrainable
    {
        private readonly SyntheticTrainable _inner = new();
        private TrialContext? _context;

        public void Setup(TrialContext context)
        {
            _context = context;
            _inner.Setup(context);
        }

        public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
        {
            var metrics = _inner.TrainEpoch(epoch, cancellationToken);
            var tag = _context!.Config.TryGetValue("tag", out var t) ? Convert.ToInt32(t, System.Globalization.CultureInfo.InvariantCulture) : 0;
            Trained.AddOrUpdate((tag, _context.TrialId, epoch), 1, (_, n) => n + 1);
            return metrics;
        }

        public void SaveCheckpoint(Stream destination) => _inner.SaveCheckpoint(destination);

        public void LoadCheckpoint(Stream source) => _inner.LoadCheckpoint(source);

        public void Dispose() => _inner.Dispose();
    }
}
