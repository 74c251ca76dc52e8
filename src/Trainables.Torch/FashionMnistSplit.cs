namespace OrleansHpo.Trainables.Torch;

/// <summary>A read-only set of FashionMNIST images (row-major 28x28 float32 pixels in [0, 1]) and their labels (0..9).</summary>
public sealed class FashionMnistSplit
{
    private readonly float[] _pixels;
    private readonly long[] _labels;

    internal FashionMnistSplit(float[] pixels, long[] labels)
    {
        if (pixels.Length != labels.Length * FashionMnist.PixelsPerImage)
        {
            throw new ArgumentException($"{pixels.Length} pixels do not make {labels.Length} images of {FashionMnist.PixelsPerImage}.", nameof(pixels));
        }
        _pixels = pixels;
        _labels = labels;
    }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>All pixels, image after image (<see cref="Count"/> x 784).</summary>
    public ReadOnlySpan<float> Pixels => _pixels;

    /// <summary>One label (0..9) per image.</summary>
    public ReadOnlySpan<long> Labels => _labels;

    /// <summary>Pixels of the first <paramref name="count"/> images.</summary>
    public ReadOnlySpan<float> PixelsOfFirst(int count) => _pixels.AsSpan(0, CheckCount(count) * FashionMnist.PixelsPerImage);

    /// <summary>Labels of the first <paramref name="count"/> images.</summary>
    public ReadOnlySpan<long> LabelsOfFirst(int count) => _labels.AsSpan(0, CheckCount(count));

    private int CheckCount(int count) =>
        count >= 0 && count <= Count
            ? count
            : throw new ArgumentOutOfRangeException(nameof(count), count, $"This split has {Count} images.");
}
