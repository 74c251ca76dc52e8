using System.Text.Json;
using OrleansHpo.ModelSearch.Providers;

namespace OrleansHpo.ModelSearch.Tests;

public sealed class ProviderOptionTests
{
    private static Dictionary<string, JsonElement> Options(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public void Defaults_are_Syne_Tunes()
    {
        var b = BayesOptSearcherProvider.ParseOptions(null);
        Assert.Equal(("gp_multitask", 6, 20, 2, 50, 150, 500, 3), (b.Model, b.NumInitRandom, b.NumFantasySamples, b.OptNStarts, b.OptMaxIter, b.OptSkipInitLength, b.MaxSizeDataForModel, b.ResourceAcqBohbThreshold));
        var k = KdeSearcherProvider.ParseOptions(null);
        Assert.Equal((15, 64, 3.0, 1e-3, 0.33), (k.TopNPercent, k.NumCandidates, k.BandwidthFactor, k.MinBandwidth, k.RandomFraction));
    }

    [Fact]
    public void Options_are_read_and_bad_ones_named()
    {
        Assert.Equal("gp_independent", BayesOptSearcherProvider.ParseOptions(Options("""{"model": "gp_independent"}""")).Model);
        var unknown = Assert.Throws<ArgumentException>(() => BayesOptSearcherProvider.ParseOptions(Options("""{"modle": "x"}""")));
        Assert.Contains("unknown option 'modle'", unknown.Message);
        Assert.Contains("model", unknown.Message);
        var bad = Assert.Throws<ArgumentException>(() => KdeSearcherProvider.ParseOptions(Options("""{"random_fraction": 2}""")));
        Assert.Contains("'random_fraction' must be a number in [0, 1]", bad.Message);
    }
}
