using System.Collections.Concurrent;
using OrleansHpo.Core.Training;

namespace OrleansHpo.Tests.Cluster;

/// <summary>The synthetic trainable, counting every (experiment seed, trial, epoch) it trains, so tests can prove no epoch is trained twice.</summary>
public sealed class CountingTrainableFactory : ITrainableFactory
{
    public static ConcurrentDictionary<(int Seed, int Trial, int Epoch), int> Trained { get; } = new();

    /// <summary>Checkpoints written, by (tag, trial, epoch trained through).</summary>
    public static ConcurrentDictionary<(int Seed, int Trial, int Epoch), int> Saved { get; } = new();

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

        private int _epoch;

        private int Tag => _context!.Config.TryGetValue("tag", out var t) ? Convert.ToInt32(t, System.Globalization.CultureInfo.InvariantCulture) : 0;

        public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
        {
            var metrics = _inner.TrainEpoch(epoch, cancellationToken);
            _epoch = epoch;
            Trained.AddOrUpdate((Tag, _context!.TrialId, epoch), 1, (_, n) => n + 1);
            return metrics;
        }

        public void SaveCheckpoint(Stream destination)
        {
            Saved.AddOrUpdate((Tag, _context!.TrialId, _epoch), 1, (_, n) => n + 1);
            _inner.SaveCheckpoint(destination);
        }

        public void LoadCheckpoint(Stream source)
        {
            if (_context!.Config.ContainsKey("unloadable"))
            {
                // Intact bytes the trainable cannot use (as after an incompatible upgrade): the run must retrain.
                throw new InvalidDataException("test: this trainable refuses its checkpoints (config 'unloadable')");
            }
            _inner.LoadCheckpoint(source);
        }

        public void Dispose() => _inner.Dispose();
    }
}
