using System.Security.Cryptography;
using System.Text;
using OrleansHpo.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Torch;

/// <summary>
/// The shared epoch loop of the FashionMNIST trainables: data on the trial's device, shuffled mini-batches,
/// cross-entropy, validation error after each epoch, and checkpoints that resume bit for bit.
/// <para>Determinism: every random draw comes from generators this instance owns, never torch's process-wide
/// default generator (which concurrent trials would share). Initial weights come from a generator seeded with
/// the trial seed; at the start of epoch <c>e</c> the data-order and dropout generators are re-seeded from
/// (seed, e), so the epoch's randomness is a pure function of (seed, e) and a checkpoint only has to hold the
/// model, the optimizer state (Adam moments and step counts) and the epoch.</para>
/// <para>Common hyperparameters: <c>batch_size</c>, <c>learning_rate</c>, <c>train_subset</c> (train on the first N
/// training images and validate on the first N/5 validation images; 0 or absent = all).</para>
/// </summary>
public abstract class FashionMnistTrainable : ITrainable
{
    /// <summary>"OHTC": OrleansHpo torch checkpoint.</summary>
    private const int Magic = 0x4354484F;
    private const int FormatVersion = 1;
    private const int EvaluationBatch = 1000;

    private TrialContext? _context;
    private Device? _device;
    private nn.Module<Tensor, Tensor>? _model;
    private OptimizerHelper? _optimizer;
    private Generator? _orderGenerator;
    private Generator? _noiseGenerator;
    private Tensor? _trainImages;
    private Tensor? _trainLabels;
    private Tensor? _validationImages;
    private Tensor? _validationLabels;
    private int _batchSize;
    private int _epoch;
    private bool _disposed;

    /// <summary>The registered name; written into checkpoints so one trainable never loads another's.</summary>
    public abstract string Name { get; }

    /// <summary>The epoch the model has been trained through (0 before the first).</summary>
    public int CompletedEpochs => _epoch;

    /// <summary>Training images this instance uses (after <c>train_subset</c>).</summary>
    public int TrainCount { get; private set; }

    /// <summary>Validation images this instance uses (after <c>train_subset</c>).</summary>
    public int ValidationCount { get; private set; }

    /// <summary>The device the model lives on.</summary>
    public string DeviceName => _device?.ToString() ?? "";

    /// <summary>Test hook: called after each training batch with the number of batches done in the epoch.</summary>
    internal Action<int>? BatchCompleted { get; set; }

    private protected abstract int DefaultBatchSize { get; }

    /// <summary>Describes the architecture so a checkpoint of another shape is refused with a clear message.</summary>
    private protected abstract string Architecture(IReadOnlyDictionary<string, object> config);

    private protected abstract nn.Module<Tensor, Tensor> BuildModel(IReadOnlyDictionary<string, object> config, Generator initGenerator);

    private protected abstract OptimizerHelper BuildOptimizer(IReadOnlyDictionary<string, object> config, IEnumerable<Parameter> parameters);

    /// <summary>Hands the per-epoch dropout generator to the model (nothing to do for models without noise).</summary>
    private protected virtual void AttachNoiseGenerator(nn.Module<Tensor, Tensor> model, Generator generator)
    {
    }

    public void Setup(TrialContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_context is not null)
        {
            throw new InvalidOperationException($"{Name}: Setup was already called on this instance.");
        }
        TorchRuntime.EnsureNativeLoadable();
        var config = context.Config;
        _batchSize = ConfigValues.Int(config, "batch_size", DefaultBatchSize, 1, 1 << 20);
        int subset = ConfigValues.Int(config, "train_subset", 0, 0, int.MaxValue);
        _device = TorchDevices.Resolve(context.Device);
        if (context.IntraOpThreads > 0)
        {
            set_num_threads(context.IntraOpThreads);
        }

        var data = FashionMnist.Load();
        TrainCount = subset > 0 ? Math.Min(subset, data.Train.Count) : data.Train.Count;
        ValidationCount = subset > 0 ? Math.Clamp(subset / 5, 1, data.Validation.Count) : data.Validation.Count;
        _trainImages = ToDevice(data.Train.PixelsOfFirst(TrainCount), TrainCount, _device);
        _trainLabels = ToDevice(data.Train.LabelsOfFirst(TrainCount), _device);
        _validationImages = ToDevice(data.Validation.PixelsOfFirst(ValidationCount), ValidationCount, _device);
        _validationLabels = ToDevice(data.Validation.LabelsOfFirst(ValidationCount), _device);

        using (var initGenerator = new Generator((ulong)Seeds.Combine(context.Seed, Seeds.Init), CPU))
        {
            _model = BuildModel(config, initGenerator);
        }
        _model.to(_device);
        _orderGenerator = new Generator(0, CPU);
        _noiseGenerator = new Generator(0, _device);
        AttachNoiseGenerator(_model, _noiseGenerator);
        _optimizer = BuildOptimizer(config, _model.parameters());
        _context = context;
        _epoch = 0;
    }

    public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
    {
        var (context, model, optimizer) = Ready();
        if (epoch != _epoch + 1)
        {
            throw new InvalidOperationException(
                $"{Name} asked to train epoch {epoch} after epoch {_epoch}: a resumed run must load the checkpoint of epoch {epoch - 1} first.");
        }
        cancellationToken.ThrowIfCancellationRequested();

        _orderGenerator!.manual_seed(Seeds.Combine(context.Seed, Seeds.DataOrder, epoch));
        _noiseGenerator!.manual_seed(Seeds.Combine(context.Seed, Seeds.Noise, epoch));
        model.train();
        double lossSum = 0;
        using (var epochScope = NewDisposeScope())
        {
            var order = randperm(TrainCount, generator: _orderGenerator);
            if (_device!.type != DeviceType.CPU)
            {
                order = order.to(_device);
            }
            for (int start = 0; start < TrainCount; start += _batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int count = Math.Min(_batchSize, TrainCount - start);
                var indices = order.narrow(0, start, count);
                var images = _trainImages!.index_select(0, indices);
                var labels = _trainLabels!.index_select(0, indices);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(images), labels);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * (double)count;
                BatchCompleted?.Invoke(start / _batchSize + 1);
            }
        }

        double validationError = Error(model, _validationImages!, _validationLabels!, cancellationToken);
        _epoch = epoch;
        return new Dictionary<string, double>
        {
            ["validation_error"] = validationError,
            ["accuracy"] = 1.0 - validationError,
            ["train_loss"] = lossSum / TrainCount,
        };
    }

    /// <summary>Final evaluation on the separate 10,000-image test set: <c>test_error</c> and <c>test_accuracy</c>.</summary>
    public IReadOnlyDictionary<string, double> EvaluateTestSet(CancellationToken cancellationToken = default)
    {
        var (_, model, _) = Ready();
        var test = FashionMnist.Load().Test;
        using var images = ToDevice(test.Pixels, test.Count, _device!);
        using var labels = ToDevice(test.Labels, _device!);
        double error = Error(model, images, labels, cancellationToken);
        return new Dictionary<string, double> { ["test_error"] = error, ["test_accuracy"] = 1.0 - error };
    }

    public void SaveCheckpoint(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var (context, model, optimizer) = Ready();
        using var payload = new MemoryStream();
        using (var payloadWriter = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            model.save(payloadWriter);
            optimizer.save_state_dict(payloadWriter);
            payloadWriter.Flush();
        }
        var bytes = payload.GetBuffer().AsSpan(0, checked((int)payload.Length));

        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Name);
        writer.Write(Architecture(context.Config));
        writer.Write(_epoch);
        writer.Write(bytes.Length);
        writer.Write(SHA256.HashData(bytes));
        writer.Write(bytes);
        writer.Flush();
    }

    public void LoadCheckpoint(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (context, model, optimizer) = Ready();
        int epoch;
        byte[] payload;
        try
        {
            using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
            if (reader.ReadInt32() != Magic)
            {
                throw Corrupt("it does not start with the OrleansHpo torch checkpoint header");
            }
            int version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw Corrupt($"it has format version {version}; this build reads version {FormatVersion}");
            }
            string name = reader.ReadString();
            if (name != Name)
            {
                throw Corrupt($"it was written by trainable '{name}'");
            }
            string architecture = reader.ReadString();
            string expected = Architecture(context.Config);
            if (architecture != expected)
            {
                throw Corrupt($"it holds a model of architecture '{architecture}' but this trial's config builds '{expected}'");
            }
            epoch = reader.ReadInt32();
            if (epoch != context.StartEpoch - 1)
            {
                throw new InvalidDataException(
                    $"{Name} checkpoint is from after epoch {epoch}, but this run starts at epoch {context.StartEpoch} " +
                    $"and needs the checkpoint written after epoch {context.StartEpoch - 1}.");
            }
            int length = reader.ReadInt32();
            if (length <= 0)
            {
                throw Corrupt($"its payload length {length} is invalid");
            }
            var hash = reader.ReadBytes(SHA256.HashSizeInBytes);
            payload = reader.ReadBytes(length);
            if (hash.Length != SHA256.HashSizeInBytes || payload.Length != length)
            {
                throw Corrupt("it is truncated");
            }
            if (!SHA256.HashData(payload).AsSpan().SequenceEqual(hash))
            {
                throw Corrupt("its SHA-256 does not match its contents");
            }
        }
        catch (EndOfStreamException e)
        {
            throw Corrupt("it is truncated", e);
        }

        try
        {
            using var payloadStream = new MemoryStream(payload, writable: false);
            using var payloadReader = new BinaryReader(payloadStream, Encoding.UTF8, leaveOpen: true);
            model.load(payloadReader, strict: true);
            optimizer.load_state_dict(payloadReader);
            if (payloadStream.Position != payload.Length)
            {
                throw Corrupt($"{payload.Length - payloadStream.Position} bytes are left after the optimizer state");
            }
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw Corrupt("its model or optimizer state does not fit this trial's model", e);
        }
        _epoch = epoch;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _optimizer?.Dispose();
        _model?.Dispose();
        _orderGenerator?.Dispose();
        _noiseGenerator?.Dispose();
        _trainImages?.Dispose();
        _trainLabels?.Dispose();
        _validationImages?.Dispose();
        _validationLabels?.Dispose();
        GC.SuppressFinalize(this);
    }

    private (TrialContext Context, nn.Module<Tensor, Tensor> Model, OptimizerHelper Optimizer) Ready()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _context is not null && _model is not null && _optimizer is not null
            ? (_context, _model, _optimizer)
            : throw new InvalidOperationException($"{Name}: Setup must be called first.");
    }

    private InvalidDataException Corrupt(string why, Exception? inner = null) =>
        new($"Cannot load {Name} checkpoint: {why}.", inner);

    private static double Error(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, CancellationToken cancellationToken)
    {
        model.eval();
        using var noGrad = no_grad();
        long count = labels.shape[0];
        long wrong = 0;
        for (long start = 0; start < count; start += EvaluationBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long n = Math.Min(EvaluationBatch, count - start);
            var predicted = model.forward(images.narrow(0, start, n)).argmax(1);
            wrong += predicted.ne(labels.narrow(0, start, n)).sum().item<long>();
        }
        return count == 0 ? 0 : (double)wrong / count;
    }

    private static Tensor ToDevice(ReadOnlySpan<float> pixels, int count, Device device)
    {
        var tensor = empty([count, FashionMnist.PixelsPerImage], ScalarType.Float32, CPU);
        tensor.data<float>().CopyFrom(pixels, 0, 0);
        return MoveDetached(tensor, device);
    }

    private static Tensor ToDevice(ReadOnlySpan<long> labels, Device device)
    {
        var tensor = empty([labels.Length], ScalarType.Int64, CPU);
        tensor.data<long>().CopyFrom(labels, 0, 0);
        return MoveDetached(tensor, device);
    }

    private static Tensor MoveDetached(Tensor cpuTensor, Device device)
    {
        if (device.type == DeviceType.CPU)
        {
            return cpuTensor.DetachFromDisposeScope();
        }
        using (cpuTensor)
        {
            return cpuTensor.to(device).DetachFromDisposeScope();
        }
    }
}
