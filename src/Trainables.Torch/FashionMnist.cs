using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;

namespace OrleansHpo.Trainables.Torch;

/// <summary>
/// Loads FashionMNIST from the gzipped IDX files the Debian package <c>dataset-fashion-mnist</c> installs
/// (<c>/usr/share/datasets/fashion-mnist</c>, overridable with <c>HPO_FASHION_MNIST_DIR</c>).
/// Pixels become float32 in [0, 1], labels int64. The split follows Syne Tune's benchmark: training images
/// 0..49,999 train, 50,000..59,999 validate; the 10,000 test images are kept apart for final evaluation.
/// Each directory is read once per process (thread-safe) and shared read-only by every trainable.
/// </summary>
public static class FashionMnist
{
    /// <summary>Environment variable that overrides <see cref="DefaultDirectory"/>.</summary>
    public const string DirectoryVariable = "HPO_FASHION_MNIST_DIR";

    /// <summary>Where <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Images in the training split (the rest of the 60,000 training images validate).</summary>
    public const int TrainCount = 50_000;

    /// <summary>Pixels per image (28 x 28).</summary>
    public const int PixelsPerImage = 28 * 28;

    /// <summary>The four files the loader reads.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
    [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ];

    private static readonly ConcurrentDictionary<string, Lazy<FashionMnistData>> Cache = new(StringComparer.Ordinal);

    /// <summary>The directory <see cref="Load(string?)"/> reads when given none: <c>HPO_FASHION_MNIST_DIR</c> if set, else <see cref="DefaultDirectory"/>.</summary>
    public static string ResolveDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultDirectory : fromEnvironment;
    }

    /// <summary>Load (or return the cached) data set from <paramref name="directory"/> or <see cref="ResolveDirectory"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to install the data set.</exception>
    /// <exception cref="InvalidDataException">A file is not a valid IDX file of the expected shape.</exception>
    public static FashionMnistData Load(string? directory = null)
    {
        var fullPath = Path.GetFullPath(directory ?? ResolveDirectory());
        // Check before caching so a missing data set is reported every time (and can be installed later).
        foreach (var name in FileNames)
        {
            var file = Path.Combine(fullPath, name);
            if (!File.Exists(file))
            {
                throw new FileNotFoundException(
                    $"FashionMNIST file '{file}' was not found. Install the data set with " +
                    $"'sudo apt-get install dataset-fashion-mnist' (it installs into {DefaultDirectory}), " +
                    $"or set {DirectoryVariable} to a directory holding {string.Join(", ", FileNames)}.",
                    file);
            }
        }

        var lazy = Cache.GetOrAdd(fullPath, path => new Lazy<FashionMnistData>(() => Read(path), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Do not keep a failed load (e.g. a truncated file being replaced): the next call retries.
            Cache.TryRemove(new KeyValuePair<string, Lazy<FashionMnistData>>(fullPath, lazy));
            throw;
        }
    }

    private static FashionMnistData Read(string directory)
    {
        var trainPixels = ReadImages(Path.Combine(directory, FileNames[0]), out int trainCount);
        var trainLabels = ReadLabels(Path.Combine(directory, FileNames[1]));
        var testPixels = ReadImages(Path.Combine(directory, FileNames[2]), out int testCount);
        var testLabels = ReadLabels(Path.Combine(directory, FileNames[3]));
        if (trainCount != trainLabels.Length || testCount != testLabels.Length)
        {
            throw new InvalidDataException($"FashionMNIST in '{directory}': image and label counts differ ({trainCount}/{trainLabels.Length}, {testCount}/{testLabels.Length}).");
        }
        if (trainCount <= TrainCount)
        {
            throw new InvalidDataException($"FashionMNIST in '{directory}' has {trainCount} training images; expected 60,000.");
        }

        int validationCount = trainCount - TrainCount;
        var train = new FashionMnistSplit(
            trainPixels.AsSpan(0, TrainCount * PixelsPerImage).ToArray(),
            trainLabels.AsSpan(0, TrainCount).ToArray());
        var validation = new FashionMnistSplit(
            trainPixels.AsSpan(TrainCount * PixelsPerImage, validationCount * PixelsPerImage).ToArray(),
            trainLabels.AsSpan(TrainCount, validationCount).ToArray());
        var test = new FashionMnistSplit(testPixels, testLabels);
        return new FashionMnistData(directory, train, validation, test);
    }

    private static float[] ReadImages(string path, out int count)
    {
        var bytes = Decompress(path);
        if (bytes.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(bytes) != 0x00000803)
        {
            throw new InvalidDataException($"'{path}' is not an IDX image file (magic 0x00000803).");
        }
        count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (rows * cols != PixelsPerImage || count < 0 || bytes.Length != 16 + (long)count * PixelsPerImage)
        {
            throw new InvalidDataException($"'{path}' holds {count} images of {rows}x{cols} in {bytes.Length} bytes; expected 28x28 images.");
        }
        var pixels = new float[count * PixelsPerImage];
        var source = bytes.AsSpan(16);
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = source[i] / 255f;
        }
        return pixels;
    }

    private static long[] ReadLabels(string path)
    {
        var bytes = Decompress(path);
        if (bytes.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(bytes) != 0x00000801)
        {
            throw new InvalidDataException($"'{path}' is not an IDX label file (magic 0x00000801).");
        }
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 0 || bytes.Length != 8 + count)
        {
            throw new InvalidDataException($"'{path}' declares {count} labels but holds {bytes.Length - 8}.");
        }
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            byte label = bytes[8 + i];
            if (label > 9)
            {
                throw new InvalidDataException($"'{path}' has label {label} at {i}; FashionMNIST labels are 0..9.");
            }
            labels[i] = label;
        }
        return labels;
    }

    private static byte[] Decompress(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}
