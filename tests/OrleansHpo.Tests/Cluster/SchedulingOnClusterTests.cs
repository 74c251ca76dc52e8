using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Tests.Cluster;

/// <summary>Schedulers driven by real grains on a 3-silo InProcessTestCluster with durable file storage.</summary>
public sealed class SchedulingOnClusterTests
{
    [Fact]
    public async Task AshaPromotion_completes_pauses_deactivate_and_no_epoch_is_trained_twice()
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        const int tag = 101;
        var status = await cluster.RunAsync(Specs.Synthetic("asha-promo", Specs.AshaPromotion, trials: 40, tag: tag));

        Assert.True(status.Phase == ExperimentPhase.Completed && status.Started == 40, status.ToString());
        Assert.Equal(0, status.Running);
        Assert.True(status.Promotions > 0, "promotion-type ASHA promoted nobody");
        Assert.True(status.Paused > 0, "some trials stay paused at their rung");
        var trials = await cluster.TrialsAsync("asha-promo", status.Started);
        var recorded = cluster.RecordedReports("asha-promo");
        Assert.True(status.Started == status.Paused + status.Stopped + status.Completed + status.Failed,
            status + "\n" + string.Join("\n", trials.Select(t => $"{t.TrialId} {t.Status} last={t.LastEpoch} ms={t.Milestone} run={t.RunId} err={t.Error}")));

        // A paused trial is never reported as completed (Syne Tune #445), and holds no activation.
        Assert.Equal(status.Paused, trials.Count(t => t.Status == TrialStatus.Paused));
        Assert.Equal(status.Completed, trials.Count(t => t.Status == TrialStatus.Completed));
        foreach (var trial in trials)
        {
            // Reports are 1..LastEpoch, each once; paused trials sit exactly at a rung level (1, 3, 9).
            Assert.Equal(Enumerable.Range(1, trial.LastEpoch), recorded[trial.TrialId].Select(r => r.Epoch));
            Assert.Equal(trial.LastEpoch, trial.Reports[^1].Epoch); // the trial's state keeps its last report
            if (trial.Status == TrialStatus.Paused)
            {
                Assert.Contains(trial.LastEpoch, new[] { 1, 3, 9 });
                Assert.NotNull(trial.Checkpoint);
                Assert.Equal(trial.LastEpoch, trial.Checkpoint!.Epoch);
            }
            Assert.Equal(0, trial.RetrainedEpochs);
        }
        // Promoted trials resumed from their checkpoints: every (trial, epoch) was trained exactly once.
        var trained = CountingTrainableFactory.Trained.Where(kv => kv.Key.Seed == tag).ToList();
        Assert.All(trained, kv => Assert.Equal(1, kv.Value));
        Assert.Equal(trials.Sum(t => t.LastEpoch), trained.Count);

        // GetSnapshot above reactivated trials; the completed experiment itself left none running.
        Assert.True(trials.All(t => t.Status != TrialStatus.Running));
    }

    [Fact]
    public async Task Paused_trials_have_no_activation()
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        var status = await cluster.RunAsync(Specs.Synthetic("asha-idle", Specs.AshaPromotion, trials: 30, tag: 102));
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        Assert.True(status.Paused > 0);
        // Deactivation after a pause is asynchronous (DeactivateOnIdle); wait for the count to settle.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (cluster.ActiveTrialActivations() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(0, cluster.ActiveTrialActivations());
    }

    [Theory]
    [InlineData("asha-stop", Specs.AshaStopping)]
    [InlineData("hb-promo", Specs.HyperbandPromotion)]
    [InlineData("sync-hb", Specs.SyncHyperband)]
    [InlineData("sync-sh", Specs.SyncSh)]
    [InlineData("fifo", Specs.Fifo)]
    public async Task Every_scheduler_completes_with_every_trial_accounted_for(string name, string scheduler)
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        var status = await cluster.RunAsync(Specs.Synthetic(name, scheduler, trials: 30, maxT: 9, tag: 200 + name.Length));
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        Assert.Equal(30, status.Started);
        Assert.Equal(status.Started, status.Paused + status.Stopped + status.Completed + status.Failed);
        var trials = await cluster.TrialsAsync(name, status.Started);
        Assert.All(trials, t => Assert.Equal(Enumerable.Range(1, t.LastEpoch), t.Reports.Select(r => r.Epoch)));
        if (scheduler == Specs.Fifo)
        {
            Assert.All(trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        }
        if (scheduler == Specs.AshaStopping)
        {
            Assert.True(status.Stopped > 0, "stopping-type ASHA stopped nobody");
            Assert.Equal(0, status.Paused);
        }
    }

    [Fact]
    public async Task One_worker_with_a_seed_gives_identical_results_run_to_run()
    {
        var first = await RunOnce("det-1");
        var second = await RunOnce("det-2");
        Assert.Equal(first, second);

        static async Task<List<string>> RunOnce(string name)
        {
            await using var cluster = await HpoTestCluster.StartAsync();
            var status = await cluster.RunAsync(Specs.Synthetic(name, Specs.AshaPromotion, workers: 1, trials: 25, tag: 300));
            Assert.Equal(ExperimentPhase.Completed, status.Phase);
            var lines = File.ReadAllLines(Path.Combine(cluster.ResultsDir(name), "results.csv"));
            // Drop the two time columns; everything else (order, decisions, metrics, configs) must match.
            return lines.Select(l => l.Split(',')).Select(p => string.Join(",", p.Take(1).Concat(p.Skip(3)))).ToList();
        }
    }

    [Fact]
    public async Task A_failing_trial_fails_alone_and_the_experiment_goes_on()
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        var spec = Specs.Synthetic("fail-one", Specs.AshaPromotion, trials: 12, tag: 400,
            extraConfig: """, "fail_at_epoch": { "type": "choice", "values": [0, 2] }""");
        var status = await cluster.RunAsync(spec);
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        Assert.True(status.Failed > 0);
        var trials = await cluster.TrialsAsync("fail-one", status.Started);
        Assert.All(trials.Where(t => t.Status == TrialStatus.Failed), t => Assert.Contains("fail_at_epoch", t.Error));
    }

    [Fact]
    public async Task Max_failures_fails_the_experiment()
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        var spec = Specs.Synthetic("fail-all", Specs.AshaPromotion, trials: 20, tag: 401, extraConfig: """, "nan_at_epoch": 1""")
            .Replace("\"n_workers\"", "\"max_failures\": 2, \"n_workers\"");
        var status = await cluster.RunAsync(spec);
        Assert.Equal(ExperimentPhase.Failed, status.Phase);
        Assert.Equal("max_failures", status.StopReason);
        Assert.True(status.Failed >= 3);
    }
}
