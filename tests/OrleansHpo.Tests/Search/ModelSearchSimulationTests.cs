using OrleansHpo.Core.Training;
using OrleansHpo.ModelSearch.Providers;
using OrleansHpo.Simulator;
using OrleansHpo.Tests.Cli;
using OrleansHpo.Tests.Cluster;
using OrleansHpo.Tests.ResultsViews;

namespace OrleansHpo.Tests.Search;

/// <summary>
/// The shipped model-based searchers through the one scheduler (the simulator drives the same SearcherJournal as the
/// experiment grain): results.csv records which configs came from the model, and a run is reproducible.
/// </summary>
public sealed class ModelSearchSimulationTests
{
    [Theory]
    [InlineData("""{ "type": "bayesopt", "seed": 7, "num_init_candidates": 50 }""", 14)]
    [InlineData("""{ "type": "kde", "seed": 7, "random_fraction": 0.0 }""", 60)]
    public void Model_based_searchers_run_in_the_simulator_and_are_reproducible(string searcher, int trials)
    {
        var json = SimulatedExperiments.SpecJson("model-search", Specs.AshaPromotion, workers: 2, trials: trials)
            .Replace("""{ "type": "random", "seed": 7 }""", searcher, StringComparison.Ordinal);
        string Run()
        {
            var root = HpoProcess.TempDir();
            var spec = SimulatedExperiments.Spec(json);
            new Simulation(spec, new SyntheticTrainableFactory(), Simulation.DelayMsTimer(1.0), searcherProviders: ModelSearchProviders.All())
                .Run(Path.Combine(root, spec.Name));
            return Path.Combine(root, spec.Name, "results.csv");
        }
        var a = File.ReadAllLines(Run());
        var b = File.ReadAllLines(Run());
        Assert.Equal(a, b);
        var header = a[0].Split(',');
        var source = Array.IndexOf(header, "st_config_source");
        Assert.True(source >= 0, a[0]);
        Assert.Contains(a.Skip(1), line => line.Split(',')[source] == "model");
    }
}
