using System.Globalization;

namespace OrleansHpo.Core.Training;

/// <summary>
/// A trainable whose learning curve is a deterministic function of config and epoch, for tests, demos, benchmarks
/// and the simulator. Its state evolves epoch by epoch (a running "weight"), so a broken checkpoint shows up as
/// different metrics after a resume, exactly as with a real model.
/// <para>Hyperparameters it reads (all optional): <c>learning_rate</c> (best near 1e-2, log scale), <c>width</c>
/// (larger ends lower but learns slower), <c>momentum</c> in [0,1), <c>delay_ms</c> (sleep per epoch, for
/// wall-clock realism), <c>checkpoint_kb</c> (padding added to each checkpoint), <c>fail_at_epoch</c> (throw there),
/// <c>nan_at_epoch</c> (report NaN there). Every other hyperparameter perturbs the curve through a stable hash.</para>
/// </summary>
public sealed class SyntheticTrainable : ITrainable
{
    /// <summary>Magic bytes at the start of a synthetic checkpoint.</summary>
    private const int Magic = 0x53594E54;

    private TrialContext? _context;
    private double _finalLoss;
    private double _rate;
    private double _noiseSeed;
    private int _delayMs;
    private int _checkpointBytes;
    private int _failAt;
    private int _nanAt;
    private int _epoch;
    private double _weight;

    /// <summary>
    /// When true, <c>delay_ms</c> is not slept: the simulator (<c>hpo simulate</c>) puts it on its simulated clock instead.
    /// The curve is the same either way.
    /// </summary>
    public bool SkipDelay { get; init; }

    public void Setup(TrialContext context)
    {
        _context = context;
        var config = context.Config;
        double lr = Number(config, "learning_rate", 1e-2);
        double width = Number(config, "width", 64);
        double momentum = Number(config, "momentum", 0.5);
        _delayMs = (int)Number(config, "delay_ms", 0);
        _checkpointBytes = (int)(Number(config, "checkpoint_kb", 0) * 1024);
        _failAt = (int)Number(config, "fail_at_epoch", 0);
        _nanAt = (int)Number(config, "nan_at_epoch", 0);

        double logLr = Math.Log10(Math.Max(lr, 1e-12));
        double rest = 0;
        foreach (var (key, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (key is "learning_rate" or "width" or "momentum" or "delay_ms" or "checkpoint_kb" or "fail_at_epoch" or "nan_at_epoch")
            {
                continue;
            }
            rest += StableUnit(key + "=" + Format(value)) - 0.5;
        }

        // Final loss: best at lr = 1e-2, wider nets end lower; other hyperparameters shift it a little.
        _finalLoss = 0.08 + 0.06 * Math.Pow(logLr + 2, 2) + 2.0 / Math.Max(width, 1) + 0.03 * Math.Abs(rest);
        // Speed: larger learning rates and momentum learn faster early, wide nets slower (so curves cross).
        _rate = Math.Clamp(0.15 * Math.Pow(10, 0.35 * (logLr + 2)) * (0.6 + momentum) * Math.Pow(64 / Math.Max(width, 1), 0.15), 0.01, 3);
        _noiseSeed = StableUnit(string.Join(";", config.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + Format(kv.Value))));
        _epoch = 0;
        _weight = 1.0;
    }

    public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
    {
        if (_context is null)
        {
            throw new InvalidOperationException("Setup must be called before TrainEpoch.");
        }
        if (epoch != _epoch + 1)
        {
            throw new InvalidOperationException($"Synthetic trainable asked for epoch {epoch} after epoch {_epoch}: the checkpoint was not loaded.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        var startedUtc = DateTime.UtcNow;
        if (_delayMs > 0 && !SkipDelay)
        {
            // Sleep in small slices so cancellation is honoured within one "batch".
            var until = Environment.TickCount64 + _delayMs;
            while (Environment.TickCount64 < until)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep((int)Math.Min(10, Math.Max(1, until - Environment.TickCount64)));
            }
        }
        if (_failAt > 0 && epoch == _failAt)
        {
            throw new InvalidOperationException($"synthetic failure at epoch {epoch} (fail_at_epoch)");
        }

        _epoch = epoch;
        Trace(epoch, startedUtc);
        _weight *= Math.Exp(-_rate);
        double noise = 0.004 * (StableUnit($"{_noiseSeed.ToString("R", CultureInfo.InvariantCulture)}/{epoch}") - 0.5);
        double loss = _finalLoss + (1.0 - _finalLoss) * _weight + noise;
        if (_nanAt > 0 && epoch == _nanAt)
        {
            loss = double.NaN;
        }
        return new Dictionary<string, double>
        {
            ["loss"] = loss,
            ["accuracy"] = 1.0 - loss,
        };
    }

    /// <summary>
    /// Environment variable naming a file to which every trained epoch appends "trial,epoch,process id,start ticks,end
    /// ticks" (UTC): the process-level cluster tests check from it that no trial trained in two silos at once.
    /// </summary>
    public const string TraceVariable = "HPO_SYNTHETIC_TRACE";

    private static readonly object TraceLock = new();

    private void Trace(int epoch, DateTime startedUtc)
    {
        if (SkipDelay || Environment.GetEnvironmentVariable(TraceVariable) is not { Length: > 0 } path)
        {
            return;
        }
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{_context!.TrialId},{epoch},{Environment.ProcessId},{startedUtc.Ticks},{DateTime.UtcNow.Ticks}\n");
        lock (TraceLock)
        {
            // One short append per epoch (O_APPEND: lines from several processes do not interleave).
            File.AppendAllText(path, line);
        }
    }

    public void SaveCheckpoint(Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(_epoch);
        writer.Write(_weight);
        writer.Write(_checkpointBytes);
        if (_checkpointBytes > 0)
        {
            var padding = new byte[Math.Min(_checkpointBytes, 1 << 20)];
            int left = _checkpointBytes;
            while (left > 0)
            {
                int n = Math.Min(left, padding.Length);
                writer.Write(padding, 0, n);
                left -= n;
            }
        }
    }

    public void LoadCheckpoint(Stream source)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != Magic)
        {
            throw new InvalidDataException("Not a synthetic-trainable checkpoint.");
        }
        _epoch = reader.ReadInt32();
        _weight = reader.ReadDouble();
    }

    public void Dispose()
    {
    }

    private static double Number(IReadOnlyDictionary<string, object> config, string key, double fallback) =>
        config.TryGetValue(key, out var value)
            ? value switch
            {
                double d => d,
                long l => l,
                int i => i,
                float f => f,
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => fallback,
            }
            : fallback;

    private static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A stable hash of a string into [0, 1) (FNV-1a, 64 bit).</summary>
    private static double StableUnit(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }
}
