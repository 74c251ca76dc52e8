using OrleansHpo.Results;
using OrleansHpo.Tests.Cli;
using OrleansHpo.Tests.Cluster;
using SkiaSharp;

namespace OrleansHpo.Tests.ResultsViews;

/// <summary>Plots are written, have the asked size and are not blank.</summary>
public sealed class PlotTests
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var root = HpoProcess.TempDir();
        SimulatedExperiments.Write(SimulatedExperiments.SpecJson("plots", Specs.AshaPromotion, trials: 60), root);
        for (int seed = 1; seed <= 3; seed++)
        {
            SimulatedExperiments.Write(SimulatedExperiments.SpecJson($"rep-asha-{seed}", Specs.AshaStopping, trials: 40, seed: seed), root);
            SimulatedExperiments.Write(SimulatedExperiments.SpecJson($"rep-fifo-{seed}", Specs.Fifo, trials: 20, seed: seed), root);
        }
        return root;
    });

    [Theory]
    [InlineData(PlotKind.Overview, 1000, 1500)]
    [InlineData(PlotKind.BestSoFar, 800, 600)]
    [InlineData(PlotKind.Curves, 800, 600)]
    [InlineData(PlotKind.Rungs, 800, 600)]
    public void Each_kind_is_a_non_blank_png_of_the_asked_size(PlotKind kind, int width, int height)
    {
        var experiment = Experiment.Load(Path.Combine(Root.Value, "plots"));
        var png = Path.Combine(HpoProcess.TempDir(), kind + ".png");
        experiment.Plot(png, kind, width);
        AssertDrawn(png, width, height);
    }

    [Fact]
    public void Compare_draws_groups_of_seeds()
    {
        var experiments = Enumerable.Range(1, 3).SelectMany(s => new[] { $"rep-asha-{s}", $"rep-fifo-{s}" })
            .Select(n => Experiment.Load(Path.Combine(Root.Value, n))).ToList();
        var png = Path.Combine(HpoProcess.TempDir(), "compare.png");
        ExperimentPlots.Compare(experiments, png, 900, 600, aggregate: true);
        AssertDrawn(png, 900, 600);
    }

    [Fact]
    public void Experiment_load_reads_rows_metadata_and_best()
    {
        var e = Experiment.Load(Path.Combine(Root.Value, "plots"));
        Assert.Equal("plots", e.Name);
        Assert.Equal("loss", e.Metric);
        Assert.Equal(9, e.MaxT);
        Assert.Equal(60, e.Trials().Count);
        var best = e.Best!;
        Assert.Equal(e.Rows.Where(r => r.Metrics.ContainsKey("loss")).Min(r => r.Metrics["loss"]), best.Value);
        Assert.Equal(e.Metadata["best"]!["trial_id"]!.GetValue<int>(), best.TrialId);
        Assert.Contains("learning_rate", best.Config.Keys);
        var bestSoFar = e.BestSoFar();
        Assert.True(bestSoFar.Zip(bestSoFar.Skip(1)).All(p => p.Second.Value < p.First.Value && p.Second.Time >= p.First.Time));
        var rungs = e.Rungs();
        Assert.Equal([0, 1, 3, 9], rungs.Select(r => r.Level));
        Assert.Equal(60, rungs[1].Reached);
        Assert.Equal(rungs[1].Promoted, rungs[2].Reached);
    }

    private static void AssertDrawn(string png, int width, int height)
    {
        Assert.True(File.Exists(png));
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        int nonWhite = 0;
        var colors = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 240 || c.Green < 240 || c.Blue < 240)
                {
                    nonWhite++;
                }
                colors.Add((uint)c);
            }
        }
        double share = nonWhite / (bitmap.Width * bitmap.Height / 4.0);
        Assert.InRange(share, 0.01, 0.6); // lines, text and axes, not an empty or solid image
        Assert.True(colors.Count > 20, $"only {colors.Count} colors");
    }
}
