using OrleansHpo.Core.Spec;
using OrleansHpo.ModelSearch.Encoding;
using OrleansHpo.ModelSearch.History;
using OrleansHpo.ModelSearch.Kde;

namespace OrleansHpo.ModelSearch.Tests;

public sealed class EncodingAndKdeTests
{
    [Fact]
    public void Encoder_maps_as_Syne_Tunes_hp_ranges()
    {
        var encoder = new ConfigEncoder(SyntheticProblem.Space());
        Assert.Equal(1 + 1 + 1 + 3, encoder.Dimension); // lr, width, dropout, one-hot act (3 values); epochs is fixed
        var x = encoder.Encode(new Dictionary<string, object> { ["lr"] = 1e-3, ["width"] = 16L, ["dropout"] = 0.2, ["act"] = "sigmoid", ["epochs"] = 9L });
        Assert.Equal(1.0 / 3.0, x[0], 1e-12); // log scale: log(1e-3 / 1e-4) / log(1e-1 / 1e-4)
        Assert.Equal(0.5 / 241.0, x[1], 1e-12); // integer range [15.5, 256.5]
        Assert.Equal(0.25, x[2], 1e-12);
        Assert.Equal([0.0, 0.0, 1.0], x[3..]);
        var back = encoder.Decode(x);
        Assert.Equal(1e-3, (double)back["lr"], 1e-15);
        Assert.Equal(16L, back["width"]);
        Assert.Equal("sigmoid", back["act"]);
        Assert.Equal(9L, back["epochs"]);
    }

    [Fact]
    public void Two_valued_choice_takes_one_coordinate()
    {
        var encoder = new ConfigEncoder(new ConfigSpace([new("opt", new ChoiceDomain(["sgd", "adam"]))]));
        Assert.Equal(1, encoder.Dimension);
        Assert.Equal([1.0], encoder.Encode(new Dictionary<string, object> { ["opt"] = "adam" }));
        Assert.Equal("sgd", encoder.Decode([0.3])["opt"]);
    }

    [Fact]
    public void Kde_density_matches_hand_calculation()
    {
        // two continuous points 0.2 and 0.6: h = 1.06 * 0.2 * 2^(-1/5)
        var kde = new ProductKde([[0.2], [0.6]], [new KdeVariable(true, 0)], 1e-3);
        Assert.Equal(1.06 * 0.2 * Math.Pow(2, -0.2), kde.Bandwidths[0], 1e-12);
        Assert.Equal(1.221640858138174, kde.Pdf([0.5]), 1e-12);
        // mixed continuous + unordered with 3 levels (hand_calculations.py)
        var mixed = new ProductKde([[0.2, 0], [0.6, 1], [0.4, 0]], [new KdeVariable(true, 0), new KdeVariable(false, 3)], 1e-3);
        Assert.Equal(0.14413518912098905, mixed.Bandwidths[0], 1e-12);
        Assert.Equal(0.4160824511935033, mixed.Bandwidths[1], 1e-12);
        Assert.Equal(0.8633853194098986, mixed.Pdf([0.35, 0]), 1e-12);
    }

    [Fact]
    public void Kde_density_integrates_to_one()
    {
        var kde = new ProductKde([[0.5], [0.55], [0.7]], [new KdeVariable(true, 0)], 1e-3);
        var sum = 0.0;
        for (var x = -2.0; x <= 3.0; x += 1e-4)
        {
            sum += kde.Pdf([x]) * 1e-4;
        }
        Assert.Equal(1.0, sum, 1e-6);
    }

    /// <summary>
    /// Scripted sequence, one hyperparameter x in [0, 1], metric |x - 0.3| at resource 1 for x = 0.0125, 0.0375, ...:
    /// with 40 observations the good set is the best 15 % = 6 (> 1 feature), and the chosen candidate lies among them.
    /// </summary>
    [Fact]
    public void Kde_splits_good_and_bad_and_picks_a_candidate_near_the_good_points()
    {
        var space = new ConfigSpace([new("x", new UniformDomain(0, 1))]);
        var searcher = new KdeSearcher(space, Mode.Min, 0, [], new KdeOptions { RandomFraction = 0 }, [1]);
        Assert.Null(searcher.GoodSize(7)); // max(1, 1) = 1 is not > 1 feature
        Assert.Equal(6, searcher.GoodSize(40));
        for (var t = 0; t < 40; t++)
        {
            var x = (t + 0.5) / 40;
            var config = new Dictionary<string, object> { ["x"] = x };
            searcher.OnTrialStarted(t, config);
            searcher.OnReport(t, 1, Math.Abs(x - 0.3));
        }
        var s = searcher.Suggest(40, [])!;
        Assert.Equal("model", s.Source);
        var model = searcher.LastModel!.Value;
        Assert.Equal(6, model.Good.Data.Count);
        Assert.Equal(34, model.Bad.Data.Count);
        Assert.All(model.Good.Data, row => Assert.InRange(row[0], 0.3 - 0.076, 0.3 + 0.076));
        Assert.InRange((double)s.Config["x"], 0.2, 0.4);
    }

    [Fact]
    public void Kde_uses_the_highest_level_with_enough_data()
    {
        var space = new ConfigSpace([new("x", new UniformDomain(0, 1))]);
        var searcher = new KdeSearcher(space, Mode.Max, 0, [], new KdeOptions { RandomFraction = 0 }, [1, 3]);
        for (var t = 0; t < 40; t++)
        {
            var x = (t + 0.5) / 40;
            searcher.OnTrialStarted(t, new Dictionary<string, object> { ["x"] = x });
            searcher.OnReport(t, 1, -Math.Abs(x - 0.8));
            if (t < 10)
            {
                searcher.OnReport(t, 3, 1.0); // too few at level 3 for a model
            }
        }
        searcher.Suggest(40, []);
        Assert.Equal(1, searcher.LastModel!.Value.Level);
    }

    [Fact]
    public void Data_cap_keeps_trials_observed_at_higher_levels()
    {
        var data = new List<Observation>();
        for (var t = 0; t < 10; t++)
        {
            data.Add(new Observation(t, 1, t));
            if (t % 3 == 0)
            {
                data.Add(new Observation(t, 3, t));
            }
        }
        // 14 observations capped at 10: trials 0, 3, 6, 9 keep both levels (8), 2 of the 6 others at level 1
        var capped = DataCap.Apply(data, 10, new Random(1));
        Assert.Equal(10, capped.Count);
        foreach (var t in new[] { 0, 3, 6, 9 })
        {
            Assert.Equal(2, capped.Count(o => o.TrialId == t));
        }
        Assert.Equal(capped.OrderBy(o => data.IndexOf(o)), capped);
    }
}
