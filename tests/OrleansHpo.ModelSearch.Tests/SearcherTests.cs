using OrleansHpo.Core.Spec;
using OrleansHpo.ModelSearch.Bayesopt;
using OrleansHpo.Core.Search;
using OrleansHpo.ModelSearch.Kde;
using Xunit.Abstractions;

namespace OrleansHpo.ModelSearch.Tests;

public sealed class SearcherTests(ITestOutputHelper output)
{
    private static BayesOptSearcher Mobster(int seed, BayesOptOptions? options = null) =>
        new(SyntheticProblem.Space(), Mode.Min, seed, [], options ?? new BayesOptOptions(), [1, 3], 9);

    private static KdeSearcher Bohb(int seed) => new(SyntheticProblem.Space(), Mode.Min, seed, [], new KdeOptions(), [1, 3, 9]);

    [Fact]
    public void Mobster_starts_random_then_uses_the_model()
    {
        var (suggestions, _) = SyntheticProblem.Run(Mobster(1), 9);
        Assert.All(suggestions.Take(6), s => Assert.Equal("random", s.Source));
        Assert.All(suggestions.Skip(6), s => Assert.Equal("model", s.Source));
    }

    [Fact]
    public void Initial_points_come_first()
    {
        var space = SyntheticProblem.Space();
        var point = space.Default();
        var searcher = new BayesOptSearcher(space, Mode.Min, 3, [point], new BayesOptOptions(), [1, 3], 9);
        var s = searcher.Suggest(0, []);
        Assert.Equal("initial", s!.Source);
        Assert.Same(point, s.Config);
    }

    [Fact]
    public void Same_seed_and_same_observations_give_the_same_suggestions()
    {
        var a = SyntheticProblem.Run(Mobster(5), 12).Suggestions;
        var b = SyntheticProblem.Run(Mobster(5), 12).Suggestions;
        Assert.Equal(a.Select(Describe), b.Select(Describe));
        var c = SyntheticProblem.Run(Bohb(5), 45).Suggestions;
        var d = SyntheticProblem.Run(Bohb(5), 45).Suggestions;
        Assert.Equal(c.Select(Describe), d.Select(Describe));
    }

    /// <summary>
    /// A searcher rebuilt by replay after any call (OnTrialStarted with the recorded config instead of Suggest, then the
    /// reports and statuses in order) makes the next suggestion the uninterrupted one made. The refit schedule is
    /// shortened (refit every size up to 12 observations, then every 5) so that replays land between refits.
    /// </summary>
    [Fact]
    public void Replay_gives_the_same_next_suggestion_as_no_interruption()
    {
        var options = new BayesOptOptions { OptSkipInitLength = 12, OptSkipPeriod = 5, NumInitCandidates = 60 };
        var (expected, _) = SyntheticProblem.Run(Mobster(9, options), 16);
        foreach (var crashAfter in new[] { 7, 10, 13, 15 })
        {
            var rebuilt = Mobster(9, options);
            Replay(rebuilt, expected, crashAfter);
            var pending = new[] { crashAfter - 1 };
            var next = rebuilt.Suggest(crashAfter, pending);
            Assert.Equal(Describe(expected[crashAfter]), Describe(next!));
        }
    }

    [Fact]
    public void Kde_replay_gives_the_same_next_suggestion_as_no_interruption()
    {
        var (expected, _) = SyntheticProblem.Run(Bohb(4), 50);
        foreach (var crashAfter in new[] { 20, 40, 49 })
        {
            var rebuilt = Bohb(4);
            Replay(rebuilt, expected, crashAfter);
            Assert.Equal(Describe(expected[crashAfter]), Describe(rebuilt.Suggest(crashAfter, [crashAfter - 1])!));
        }
    }

    /// <summary>
    /// Learning: best g after 20 trials (MOBSTER) and 60 trials (BOHB, whose model needs 34 observations at a level with
    /// four hyperparameters) against random search with as many trials, on 10 fixed seeds.
    /// </summary>
    [Fact]
    public void Mobster_and_Bohb_beat_random_search_on_most_seeds()
    {
        int mobsterWins = 0, bohbWins = 0;
        var lines = new List<string>();
        for (var seed = 0; seed < 10; seed++)
        {
            var mobster = SyntheticProblem.Run(Mobster(seed), 20).BestG;
            var randomShort = SyntheticProblem.RandomBest(seed, 20);
            var bohb = SyntheticProblem.Run(Bohb(seed), 60).BestG;
            var randomLong = SyntheticProblem.RandomBest(seed, 60);
            mobsterWins += mobster < randomShort ? 1 : 0;
            bohbWins += bohb < randomLong ? 1 : 0;
            lines.Add($"seed {seed}: mobster {mobster:F4} random20 {randomShort:F4} bohb {bohb:F4} random60 {randomLong:F4}");
        }
        var report = string.Join("\n", lines);
        output.WriteLine($"MOBSTER wins {mobsterWins}/10, BOHB wins {bohbWins}/10\n{report}");
        Assert.True(mobsterWins >= 8, $"MOBSTER beat random on {mobsterWins}/10 seeds\n{report}");
        Assert.True(bohbWins >= 7, $"BOHB beat random on {bohbWins}/10 seeds\n{report}");
    }

    [Fact]
    public void Independent_gp_option_runs_and_learns()
    {
        var (suggestions, best) = SyntheticProblem.Run(Mobster(2, new BayesOptOptions { Model = "gp_independent" }), 12);
        Assert.Equal("model", suggestions[^1].Source);
        Assert.True(double.IsFinite(best));
    }

    [Fact]
    public void Suggestions_are_never_duplicates_of_started_configs()
    {
        var space = new ConfigSpace([new("k", new RandIntDomain(1, 12, false))]);
        var searcher = new BayesOptSearcher(space, Mode.Max, 1, [], new BayesOptOptions(), [1], 3);
        var seen = new HashSet<long>();
        for (var t = 0; t < 12; t++)
        {
            var s = searcher.Suggest(t, [])!;
            var k = (long)s.Config["k"];
            Assert.True(seen.Add(k), $"trial {t} repeated k = {k} ({s.Source})");
            searcher.OnTrialStarted(t, s.Config);
            searcher.OnReport(t, 1, -Math.Abs(k - 7));
            searcher.OnReport(t, 3, -Math.Abs(k - 7) + 0.1);
            searcher.OnTrialStatus(t, SearcherTrialStatus.Completed);
        }
    }

    private static void Replay(ISearcher searcher, List<Suggestion> recorded, int trials)
    {
        // The same call order the driver made: start t, then the reports and completion of t - 1.
        for (var t = 0; t < trials; t++)
        {
            searcher.OnTrialStarted(t, recorded[t].Config);
            if (t > 0)
            {
                var c = recorded[t - 1].Config;
                foreach (var r in SyntheticProblem.Levels)
                {
                    searcher.OnReport(t - 1, r, SyntheticProblem.Curve(c, r));
                }
                searcher.OnTrialStatus(t - 1, SearcherTrialStatus.Completed);
            }
        }
    }

    private static string Describe(Suggestion s) =>
        s.Source + ":" + string.Join(",", s.Config.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)}"));
}
