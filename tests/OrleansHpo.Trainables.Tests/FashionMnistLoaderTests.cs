using OrleansHpo.Trainables.Torch;

namespace OrleansHpo.Trainables.Tests;

public sealed class FashionMnistLoaderTests
{
    [Fact]
    public void Splits_follow_the_syne_tune_benchmark()
    {
        var data = FashionMnist.Load();
        Assert.Equal(50_000, data.Train.Count);
        Assert.Equal(10_000, data.Validation.Count);
        Assert.Equal(10_000, data.Test.Count);
        Assert.Equal(50_000 * 784, data.Train.Pixels.Length);
        Assert.Equal(10_000 * 784, data.Validation.Pixels.Length);
        Assert.Equal(10_000 * 784, data.Test.Pixels.Length);
    }

    [Fact]
    public void Pixels_are_scaled_to_unit_range_and_labels_cover_ten_classes()
    {
        var data = FashionMnist.Load();
        foreach (var split in new[] { data.Train, data.Validation, data.Test })
        {
            float min = float.MaxValue, max = float.MinValue;
            foreach (float p in split.Pixels)
            {
                min = MathF.Min(min, p);
                max = MathF.Max(max, p);
            }
            Assert.Equal(0f, min);
            Assert.Equal(1f, max);

            var counts = new int[10];
            foreach (long label in split.Labels)
            {
                Assert.InRange(label, 0, 9);
                counts[label]++;
            }
            Assert.All(counts, c => Assert.True(c > split.Count / 20, $"class count {c} of {split.Count}"));
        }
        // FashionMNIST's test set is balanced: 1,000 images per class.
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, data.Test.Labels.ToArray().Count(l => l == c)));
    }

    [Fact]
    public void Loads_once_per_process()
    {
        Assert.Same(FashionMnist.Load(), FashionMnist.Load());
        Assert.Same(FashionMnist.Load(), FashionMnist.Load(FashionMnist.ResolveDirectory()));
    }

    [Fact]
    public async Task Concurrent_first_loads_share_one_instance()
    {
        var loads = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => FashionMnist.Load())));
        Assert.All(loads, data => Assert.Same(loads[0], data));
    }

    [Fact]
    public void Missing_data_set_says_how_to_install_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-fashion-mnist-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(missing));
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", error.Message);
        Assert.Contains("HPO_FASHION_MNIST_DIR", error.Message);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Subset_views_take_the_first_images()
    {
        var train = FashionMnist.Load().Train;
        Assert.Equal(3 * 784, train.PixelsOfFirst(3).Length);
        Assert.True(train.PixelsOfFirst(3).SequenceEqual(train.Pixels[..(3 * 784)]));
        Assert.True(train.LabelsOfFirst(3).SequenceEqual(train.Labels[..3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => train.LabelsOfFirst(50_001).Length);
    }
}
