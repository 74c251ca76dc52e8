using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Silo;

namespace OrleansHpo.Tests.Cluster;

/// <summary>An InProcessTestCluster of OrleansHpo silos sharing durable file storage in a temporary folder.</summary>
public sealed class HpoTestCluster : IAsyncDisposable
{
    private HpoTestCluster(InProcessTestCluster cluster, string root)
    {
        Cluster = cluster;
        Root = root;
    }

    public InProcessTestCluster Cluster { get; }

    public string Root { get; }

    public IGrainFactory Grains => Cluster.Client;

    public static async Task<HpoTestCluster> StartAsync(int silos = 3, int slotsPerSilo = 4, Func<int, int>? slotsOf = null, Action<HpoSiloOptions>? configure = null,
        Action<ISiloBuilder>? configureSilo = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "hpo-tests", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((options, silo) =>
        {
            int index = int.Parse(options.SiloName.Split('_')[^1], System.Globalization.CultureInfo.InvariantCulture);
            var hpo = new HpoSiloOptions
            {
                StateDirectory = Path.Combine(root, "state"),
                WorkerSlots = slotsOf?.Invoke(index) ?? slotsPerSilo,
                AdditionalTrainables = [new CountingTrainableFactory()],
            };
            configure?.Invoke(hpo);
            silo.AddOrleansHpo(hpo);
            configureSilo?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new HpoTestCluster(cluster, root);
    }

    /// <summary>Start an experiment from a spec JSON and wait (polling its status) until it ends.</summary>
    public async Task<ExperimentStatus> RunAsync(string specJson, TimeSpan? timeout = null)
    {
        var spec = SpecParser.Parse(specJson);
        Assert.True(spec.Ok, string.Join("; ", spec.Errors));
        var experiment = Grains.GetGrain<IExperimentGrain>(spec.Spec!.Name);
        await experiment.Start(new StartExperimentRequest(spec.Spec.SourceJson, ResultsDir(spec.Spec.Name)));
        return await WaitAsync(experiment, timeout ?? TimeSpan.FromSeconds(90));
    }

    public string ResultsDir(string name) => Path.Combine(Root, name);

    public static async Task<ExperimentStatus> WaitAsync(IExperimentGrain experiment, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await experiment.GetStatus();
            if (status.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed)
            {
                return status;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"experiment did not finish in {timeout}: {status}");
            }
            await Task.Delay(50);
        }
    }

    public async Task<IReadOnlyList<TrialSnapshot>> TrialsAsync(string experiment, int count)
    {
        var trials = new List<TrialSnapshot>();
        for (int i = 0; i < count; i++)
        {
            trials.Add(await Grains.GetGrain<ITrialGrain>(TrialKeys.Of(experiment, i)).GetSnapshot());
        }
        return trials;
    }

    /// <summary>
    /// Every recorded report of experiment <paramref name="name"/>, by trial, in file order, from its results.csv: a
    /// trial's own state keeps only the reports its experiment has not yet confirmed (docs/architecture.md, "Bounded
    /// grain state"), so the full history is read where it is kept.
    /// </summary>
    public IReadOnlyDictionary<int, List<Results.ResultRow>> RecordedReports(string name) =>
        Results.Experiment.Load(ResultsDir(name)).Rows.GroupBy(r => r.TrialId).ToDictionary(g => g.Key, g => g.ToList());

    /// <summary>Trial activations alive on every silo.</summary>
    public int ActiveTrialActivations() =>
        Cluster.Silos.Where(s => s.IsActive).Sum(s => s.ServiceProvider.GetRequiredService<TrialActivity>().ActiveTrials);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
