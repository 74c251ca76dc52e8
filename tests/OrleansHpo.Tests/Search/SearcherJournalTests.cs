using CustomTrainable;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.Tests.Cli;
using OrleansHpo.Tests.Spec;

namespace OrleansHpo.Tests.Search;

/// <summary>The searcher journal: a searcher rebuilt by replay suggests what an uninterrupted one would.</summary>
public sealed class SearcherJournalTests
{
    private static ExperimentSpec Spec(params string[] overrides)
    {
        var r = SpecParser.Parse(SpecSamples.Full, ["points_to_evaluate=[]", "searcher={\"type\": \"local-search\", \"seed\": 4, \"explore\": 0.2}", .. overrides]);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        return r.Spec!;
    }

    private static ISearcher Fresh(ExperimentSpec spec) => SearcherFactory.Create(spec, [new LocalSearcherProvider()]);

    /// <summary>A scripted experiment: trial i reports a metric that depends on its config, some trials pause and resume.</summary>
    private static void Step(SearcherJournal journal, int trialId)
    {
        var s = journal.Suggest(trialId, journal.Pending())!;
        double metric = Convert.ToDouble(s.Config["lr"], System.Globalization.CultureInfo.InvariantCulture) * 10 + trialId % 3;
        journal.Report(trialId, 2, metric);
        journal.Status(trialId, trialId % 2 == 0 ? SearcherTrialStatus.Paused : SearcherTrialStatus.Stopped);
        if (trialId % 4 == 2)
        {
            journal.Status(trialId, SearcherTrialStatus.Resumed);
            journal.Report(trialId, 5, metric - 1);
            journal.Status(trialId, SearcherTrialStatus.Completed);
        }
    }

    [Fact]
    public void Replayed_searcher_suggests_the_same_configs_in_the_same_order_as_an_uninterrupted_one()
    {
        var spec = Spec();
        var dir = HpoProcess.TempDir();
        using var reference = new SearcherJournal(Fresh(spec), path: null);
        for (int i = 0; i < 30; i++)
        {
            Step(reference, i);
        }
        Assert.Contains(reference.Configs.Values, s => s.Source == SuggestionSource.Model); // it did learn from reports

        // The same experiment interrupted after trials 9 and 19: each time a new searcher is built from the file.
        var path = Path.Combine(dir, SearcherJournal.FileName);
        for (int from = 0; from < 30; from += 10)
        {
            using var journal = new SearcherJournal(Fresh(spec), path);
            for (int i = from; i < from + 10; i++)
            {
                Step(journal, i);
            }
        }
        using var last = new SearcherJournal(Fresh(spec), path);
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(reference.Configs[i].Source, last.Configs[i].Source);
            Assert.Equal(reference.Configs[i].Config.OrderBy(kv => kv.Key), last.Configs[i].Config.OrderBy(kv => kv.Key)); // values and their types
        }
        Assert.Equal(reference.Searcher.Suggest(30, reference.Pending()), last.Searcher.Suggest(30, last.Pending()), SuggestionComparer.Instance);
    }

    [Fact]
    public void A_half_written_line_is_cut_and_repeated_deliveries_are_dropped()
    {
        var spec = Spec();
        var path = Path.Combine(HpoProcess.TempDir(), SearcherJournal.FileName);
        using (var journal = new SearcherJournal(Fresh(spec), path))
        {
            Step(journal, 0);
            journal.Report(0, 2, 123); // a retrain-from-scratch repeats an epoch: dropped
            journal.Status(0, SearcherTrialStatus.Paused); // a pause delivered again after a restart: dropped
        }
        int lines = File.ReadAllLines(path).Length;
        Assert.Equal(3, lines); // start, report, paused
        File.AppendAllText(path, "{\"op\":\"report\",\"tri"); // a crash mid-write
        using var reopened = new SearcherJournal(Fresh(spec), path);
        Assert.Equal(3, reopened.Replayed);
        Assert.Equal(new[] { 0 }, reopened.Pending()); // paused trials are pending
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void An_unknown_searcher_type_names_the_known_ones_and_a_provider_validates_its_options()
    {
        var unknown = Assert.Throws<SearcherSpecException>(() => SearcherFactory.Create(Spec("searcher.type=\"kde\""), [new LocalSearcherProvider()]));
        Assert.Contains("'kde'", unknown.Message);
        Assert.Contains("random, grid, local-search", unknown.Message);
        var bad = Assert.Throws<SearcherSpecException>(() => SearcherFactory.Create(Spec("searcher.explore=2"), [new LocalSearcherProvider()]));
        Assert.StartsWith("searcher.explore", bad.Message);
    }

    private sealed class SuggestionComparer : IEqualityComparer<Suggestion?>
    {
        public static readonly SuggestionComparer Instance = new();

        public bool Equals(Suggestion? x, Suggestion? y) =>
            x is not null && y is not null && x.Source == y.Source && x.Config.OrderBy(kv => kv.Key).SequenceEqual(y.Config.OrderBy(kv => kv.Key));

        public int GetHashCode(Suggestion? obj) => 0;
    }
}
