using OrleansHpo.Core.Search;
using OrleansHpo.ModelSearch.Providers;
using OrleansHpo.Tests.Cli;
using OrleansHpo.Tests.Cluster;
using OrleansHpo.Tests.ResultsViews;

namespace OrleansHpo.Tests.Search;

/// <summary>
/// Durability of the model-based searchers through the real searcher journal file: an experiment interrupted
/// (process gone, a fresh searcher rebuilt from searcher.jsonl) suggests exactly what an uninterrupted one does.
/// The bayesopt options shorten the refit schedule so that restarts land between refits.
/// </summary>
public sealed class ModelSearchJournalTests
{
    [Theory]
    [InlineData("""{ "type": "bayesopt", "seed": 5, "num_init_candidates": 40, "opt_skip_init_length": 8, "opt_skip_period": 3 }""", 18, 6)]
    [InlineData("""{ "type": "kde", "seed": 5, "random_fraction": 0.2 }""", 60, 17)]
    public void Interrupted_experiment_suggests_what_an_uninterrupted_one_does(string searcher, int trials, int every)
    {
        var json = SimulatedExperiments.SpecJson("journal", Specs.AshaPromotion).Replace("""{ "type": "random", "seed": 7 }""", searcher, StringComparison.Ordinal);
        var spec = SimulatedExperiments.Spec(json);
        ISearcher Fresh() => SearcherFactory.Create(spec, ModelSearchProviders.All());

        using var reference = new SearcherJournal(Fresh(), path: null);
        for (var i = 0; i < trials; i++)
        {
            Step(reference, i);
        }
        Assert.Contains(reference.Configs.Values, s => s.Source == SuggestionSource.Model);

        var path = Path.Combine(HpoProcess.TempDir(), SearcherJournal.FileName);
        for (var from = 0; from < trials; from += every)
        {
            using var journal = new SearcherJournal(Fresh(), path);
            for (var i = from; i < Math.Min(trials, from + every); i++)
            {
                Step(journal, i);
            }
        }
        using var last = new SearcherJournal(Fresh(), path);
        for (var i = 0; i < trials; i++)
        {
            Assert.Equal(reference.Configs[i].Source, last.Configs[i].Source);
            Assert.Equal(reference.Configs[i].Config.OrderBy(kv => kv.Key), last.Configs[i].Config.OrderBy(kv => kv.Key));
        }
        var expected = reference.Searcher.Suggest(trials, reference.Pending())!;
        var actual = last.Searcher.Suggest(trials, last.Pending())!;
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Config.OrderBy(kv => kv.Key), actual.Config.OrderBy(kv => kv.Key));
    }

    /// <summary>Trial i reports at rung 1; every other trial pauses, every third is resumed to rung 3 and completes.</summary>
    private static void Step(SearcherJournal journal, int trialId)
    {
        var s = journal.Suggest(trialId, journal.Pending())!;
        var lr = Convert.ToDouble(s.Config["learning_rate"], System.Globalization.CultureInfo.InvariantCulture);
        var metric = Math.Abs(Math.Log10(lr) + 2) + (0.1 * (trialId % 3));
        journal.Report(trialId, 1, metric);
        journal.Status(trialId, trialId % 2 == 0 ? SearcherTrialStatus.Paused : SearcherTrialStatus.Stopped);
        if (trialId % 3 == 0 && trialId % 2 == 0)
        {
            journal.Status(trialId, SearcherTrialStatus.Resumed);
            journal.Report(trialId, 3, metric - 0.3);
            journal.Status(trialId, SearcherTrialStatus.Completed);
        }
    }
}
