using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansHpo.Core.Spec;
using OrleansHpo.Grains.Checkpoints;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Tests.Cluster;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>
/// Checkpoint stores under real grains on the 3-silo InProcessTestCluster: ASHA promotion resuming from Azure Blob
/// (Azurite) checkpoints, and fencing of a stale run racing a newer run of the same trial, on both stores.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FencedCheckpointsOnClusterTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Asha_promotion_on_three_silos_resumes_from_blob_checkpoints()
    {
        var container = azurite.NewContainer();
        await using var cluster = await HpoTestCluster.StartAsync(configure: o => o.CheckpointStore = azurite.StoreLocation(container.Name));
        const int tag = 701;
        const string name = "blob-asha";
        var status = await cluster.RunAsync(Specs.Synthetic(name, Specs.AshaPromotion, trials: 20, tag: tag, extraConfig: ", \"checkpoint_kb\": 64"));

        Assert.True(status.Phase == ExperimentPhase.Completed && status.Started == 20, status.ToString());
        Assert.True(status.Promotions > 0, "promotion-type ASHA promoted nobody");
        var trials = await cluster.TrialsAsync(name, status.Started);
        // Every promotion resumed from its blob checkpoint: no epoch trained twice, nothing retrained from scratch.
        Assert.All(CountingTrainableFactory.Trained.Where(kv => kv.Key.Seed == tag), kv => Assert.Equal(1, kv.Value));
        Assert.Equal(trials.Sum(t => t.LastEpoch), CountingTrainableFactory.Trained.Count(kv => kv.Key.Seed == tag));
        Assert.All(trials, t => Assert.Equal(0, t.RetrainedEpochs));
        // Some trials paused at a rung and were resumed past it (on whatever silo the promotion reactivated them).
        var recorded = cluster.RecordedReports(name);
        Assert.Contains(trials, t => recorded[t.TrialId].Any(r => r.Decision == "PAUSE" && r.Epoch < t.LastEpoch));

        // Checkpoints are blobs, and only trials that can still be resumed keep one.
        var store = Store(cluster);
        var paused = trials.Where(t => t.Status == TrialStatus.Paused).ToList();
        Assert.NotEmpty(paused);
        Assert.All(paused, t => Assert.StartsWith(container.Uri.ToString(), t.Checkpoint!.Uri, StringComparison.Ordinal));
        var listed = store.List(new CheckpointScope(name, ""));
        // The blobs are exactly the checkpoints trials still refer to: every paused trial's, plus the final
        // checkpoint of the best completed trial (checkpoints.keep_best defaults to 1).
        var referenced = trials.Where(t => t.Checkpoint is not null).ToList();
        Assert.Equal(referenced.Select(t => t.Checkpoint!.Uri).Order(), listed.Select(c => c.Uri).Order());
        Assert.True(referenced.Count(t => t.Status != TrialStatus.Paused) <= 1, "only the best finished trial keeps its checkpoint");
        Assert.True(listed.All(c => c.Bytes > 64 * 1024));

        await AssertStaleRunIsFencedOut(cluster, store, name, paused[0], tag: 711);
    }

    [Fact]
    public async Task On_the_local_store_a_stale_run_racing_a_newer_run_leaves_only_the_newer_checkpoints()
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        const string name = "local-fence";
        var status = await cluster.RunAsync(Specs.Synthetic(name, Specs.AshaPromotion, trials: 9, tag: 702));
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        var paused = (await cluster.TrialsAsync(name, status.Started)).First(t => t.Status == TrialStatus.Paused);
        var store = Store(cluster);
        Assert.IsType<LocalDirectoryCheckpointStore>(store);

        await AssertStaleRunIsFencedOut(cluster, store, name, paused, tag: 712);
    }

    private static ICheckpointStore Store(HpoTestCluster cluster) =>
        cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<ICheckpointStore>();

    /// <summary>
    /// A paused trial's checkpoint was written by the run holding fence F. Two more runs of that trial resume from it
    /// at once, as after a partition: a newer one (F + 1, a new activation) and a stale one (F, the old activation
    /// still alive). The stale one must stop without writing a checkpoint or calling its grain; the newer one's
    /// checkpoints are the only new ones; the trial's persisted state is untouched by either.
    /// </summary>
    private static async Task AssertStaleRunIsFencedOut(HpoTestCluster cluster, ICheckpointStore store, string experiment, TrialSnapshot trial, int tag)
    {
        var checkpoint = trial.Checkpoint!;
        var scope = new CheckpointScope(experiment, Path.Combine(cluster.ResultsDir(experiment), "checkpoints"));
        long fence = store.List(scope).Single(c => c.Uri == checkpoint.Uri).Fence;
        Assert.True(fence >= 1);
        var plan = new TrialPlan
        {
            Experiment = experiment,
            TrialId = trial.TrialId,
            Trainable = "counting",
            Config = new Dictionary<string, object> { ["learning_rate"] = 0.1, ["width"] = 64L, ["momentum"] = 0.5, ["tag"] = (long)tag, ["delay_ms"] = 150L },
            Metric = "loss",
            Mode = Mode.Min,
            ResourceAttr = "epoch",
            Bracket = 0,
            Rungs = [],
            MaxT = 100,
            Seed = 1,
            CheckpointEveryEpoch = true,
            CheckpointRoot = scope.Root,
        };
        var options = new WorkerOptions { Slots = 2, ReportFlushInterval = TimeSpan.FromHours(1) };
        using var pool = new WorkerPool(options);
        var self = cluster.Grains.GetGrain<ITrialGrain>(TrialKeys.Of(experiment, trial.TrialId));
        int milestone = checkpoint.Epoch + 3;
        TrialRun Run(long token) => new(self, plan, runId: 10_000 + (int)token, checkpoint.Epoch, checkpoint, milestone,
            new CountingTrainableFactory(), store, options, NullLogger.Instance, token);

        var newer = Run(fence + 1);
        newer.Start(pool);
        // Once the newer run has checkpointed its first epoch (and so claimed fence F + 1 in the store), the stale run
        // starts. The newer run flushes that checkpoint's report at once; the grain, which did not start this run,
        // answers Stop, so the newer run ends after that one epoch.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        bool NewerCheckpointed() => store.List(scope).Any(c => c.TrialId == trial.TrialId && c.Fence == fence + 1);
        while (!NewerCheckpointed())
        {
            Assert.True(DateTime.UtcNow < deadline, "the newer run wrote no checkpoint");
            Assert.False(newer.Completion.IsCompleted && !NewerCheckpointed(), "the newer run ended before writing a checkpoint");
            await Task.Delay(20);
        }
        var stale = Run(fence);
        stale.Start(pool);
        await Task.WhenAll(newer.Completion, stale.Completion).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(stale.Detached, "the stale run was not stopped by the fence");
        Assert.False(newer.Detached);
        var mine = store.List(scope).Where(c => c.TrialId == trial.TrialId).ToList();
        Assert.Equal(
            [(checkpoint.Epoch, fence), (checkpoint.Epoch + 1, fence + 1)],
            mine.Select(c => (c.Epoch, c.Fence)));
        // The newer run's reports reached a grain that did not start it (its answer is Stop); the stale one sent none.
        var after = await self.GetSnapshot();
        Assert.Equal((TrialStatus.Paused, trial.LastEpoch, checkpoint.Uri), (after.Status, after.LastEpoch, after.Checkpoint?.Uri));
        // Only the newer run trained: its one epoch once, nothing by the stale run.
        Assert.Equal(
            [(checkpoint.Epoch + 1, 1)],
            CountingTrainableFactory.Trained.Where(kv => kv.Key.Seed == tag && kv.Key.Trial == trial.TrialId)
                .Select(kv => (kv.Key.Epoch, kv.Value)).Order());
    }
}
