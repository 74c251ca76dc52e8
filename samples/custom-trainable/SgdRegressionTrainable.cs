using System.Globalization;
using OrleansHpo.Core.Training;

namespace CustomTrainable;

/// <summary>
/// A small real learner in plain C#: linear regression y = w·x + b on a fixed synthetic data set (seeded), trained by
/// mini-batch SGD with momentum. Hyperparameters: <c>learning_rate</c>, <c>momentum</c>, <c>batch_size</c>.
/// Reports <c>validation_mse</c>. Everything a resume needs (weights, velocities, epoch) is in the checkpoint, and
/// the data order of epoch e depends only on (seed, e), so a resumed run reproduces the uninterrupted one exactly.
/// </summary>
public sealed class SgdRegressionTrainable : ITrainable
{
    private const int Features = 8;
    private const int TrainCount = 2000;
    private const int ValidationCount = 500;

    private TrialContext? _context;
    private double[][] _x = [];
    private double[] _y = [];
    private readonly double[] _w = new double[Features + 1]; // last = bias
    private readonly double[] _v = new double[Features + 1];
    private double _lr;
    private double _momentum;
    private int _batch;
    private int _epoch;

    public void Setup(TrialContext context)
    {
        _context = context;
        _lr = Read(context.Config, "learning_rate", 0.01);
        _momentum = Read(context.Config, "momentum", 0.9);
        _batch = (int)Read(context.Config, "batch_size", 32);
        // The data set is the same for every trial (fixed seed); the trial seed only orders the batches.
        var random = new Random(1234);
        var truth = Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        _x = new double[TrainCount + ValidationCount][];
        _y = new double[_x.Length];
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            _y[i] = _x[i].Select((value, j) => value * truth[j]).Sum() + 0.5 + 0.1 * (random.NextDouble() - 0.5);
        }
    }

    public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
    {
        var context = _context ?? throw new InvalidOperationException("Setup first.");
        var order = Enumerable.Range(0, TrainCount).ToArray();
        new Random(unchecked(context.Seed * 1_000_003 + epoch)).Shuffle(order); // not HashCode: it is randomized per process
        var gradient = new double[Features + 1];
        for (int start = 0; start < TrainCount; start += _batch)
        {
            cancellationToken.ThrowIfCancellationRequested(); // once per batch
            Array.Clear(gradient);
            int end = Math.Min(start + _batch, TrainCount);
            for (int k = start; k < end; k++)
            {
                int i = order[k];
                double error = Predict(_x[i]) - _y[i];
                for (int j = 0; j < Features; j++)
                {
                    gradient[j] += error * _x[i][j];
                }
                gradient[Features] += error;
            }
            for (int j = 0; j <= Features; j++)
            {
                _v[j] = _momentum * _v[j] - _lr * gradient[j] / (end - start);
                _w[j] += _v[j];
            }
        }
        _epoch = epoch;
        double mse = 0;
        for (int i = TrainCount; i < _x.Length; i++)
        {
            double error = Predict(_x[i]) - _y[i];
            mse += error * error;
        }
        mse /= ValidationCount;
        return new Dictionary<string, double> { ["validation_mse"] = double.IsFinite(mse) ? mse : double.MaxValue };
    }

    public void SaveCheckpoint(Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write("sgd-regression/1");
        writer.Write(_epoch);
        foreach (var value in _w.Concat(_v))
        {
            writer.Write(value);
        }
    }

    public void LoadCheckpoint(Stream source)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadString() != "sgd-regression/1")
        {
            throw new InvalidDataException("not an sgd-regression checkpoint");
        }
        _epoch = reader.ReadInt32();
        for (int j = 0; j < _w.Length; j++)
        {
            _w[j] = reader.ReadDouble();
        }
        for (int j = 0; j < _v.Length; j++)
        {
            _v[j] = reader.ReadDouble();
        }
    }

    public void Dispose()
    {
    }

    private double Predict(double[] x)
    {
        double sum = _w[Features];
        for (int j = 0; j < Features; j++)
        {
            sum += _w[j] * x[j];
        }
        return sum;
    }

    private static double Read(IReadOnlyDictionary<string, object> config, string key, double fallback) =>
        config.TryGetValue(key, out var value) ? Convert.ToDouble(value, CultureInfo.InvariantCulture) : fallback;
}
