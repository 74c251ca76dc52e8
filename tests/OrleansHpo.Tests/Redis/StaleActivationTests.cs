using System.Text.RegularExpressions;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.Redis;

/// <summary>
/// Two activations of one trial, forced on real processes: a silo is frozen (SIGSTOP) while it trains a trial, the
/// cluster declares it dead and the experiment reactivates the trial on another silo, then the frozen silo is thawed
/// (SIGCONT). Its stale run must stop without writing: its checkpoint write is refused by the fence
/// (TrialState.CheckpointFence, claimed by the new run), its state write by the store's ETag check (Redis, Azure Table), and results.csv holds
/// each (trial, epoch) once. Conditions are polled with timeouts, never slept on.
/// </summary>
[Collection("redis-cluster")]
public sealed partial class StaleActivationTests(ClusterStoresFixture stores) : IClassFixture<ClusterStoresFixture>
{
    [GeneratedRegex(@"Trial (\d+) starts, trains to epoch")]
    private static partial Regex StartLine();

    // Long epochs (the frozen run is mid-epoch when thawed) and a checkpoint after every epoch (so the first thing the
    // thawed run does is a fenced checkpoint write).
    private static string Spec(string dir, string name, int trials) =>
        SyntheticAshaSpec.Write(dir, name, trials, delayMs: 700, seed: 11, extra: "\n  \"checkpoints\": { \"every_epoch\": true },");

    [Theory]
    [MemberData(nameof(ClusterStoresFixture.Backends), MemberType = typeof(ClusterStoresFixture))]
    public async Task A_frozen_silo_thawed_after_its_trials_moved_writes_nothing(string backend)
    {
        using var cluster = new SiloCluster(stores.Get(backend), 3, "--log-level", "Debug");
        var dir = HpoProcess.TempDir();
        const int trials = 10;
        const string name = "stale";
        var client = ClusterFaultToleranceTests.Client(cluster, "run", Spec(dir, name, trials), "--cluster", cluster.Store, "--results-dir", dir);

        // The silo hosting the experiment grain stays up; freeze another one the moment it starts a trial.
        int host = -1;
        await ClusterFaultToleranceTests.WaitFor(() => (host = Enumerable.Range(0, cluster.Count).FirstOrDefault(i => cluster.Log(i).Contains($"Experiment {name} starts"), -1)) >= 0,
            TimeSpan.FromSeconds(60), "the experiment to start");
        int frozen = -1;
        int trial = -1;
        await ClusterFaultToleranceTests.WaitFor(() =>
        {
            foreach (var i in Enumerable.Range(0, cluster.Count).Where(i => i != host))
            {
                if (StartLine().Matches(cluster.Log(i)) is { Count: > 0 } started)
                {
                    frozen = i;
                    trial = int.Parse(started[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    return true;
                }
            }
            return false;
        }, TimeSpan.FromSeconds(60), "a trial to start on a silo without the experiment");
        int frozenPid = cluster.Pid(frozen);
        cluster.Signal(frozen, "STOP");
        int frozenLogLength = cluster.Log(frozen).Length;

        // Declared dead, its trial reactivated elsewhere and trained past the frozen run's epoch.
        var survivors = Enumerable.Range(0, cluster.Count).Where(i => i != frozen).ToArray();
        await ClusterFaultToleranceTests.WaitFor(() => survivors.Any(i => cluster.Log(i).Contains($"Trial {trial} recovers from", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), $"trial {trial} to be recovered on a surviving silo");

        cluster.Signal(frozen, "CONT");
        // The thawed silo either finds its run stale (fence / ETag) and stops it, or learns it was declared dead and exits.
        await ClusterFaultToleranceTests.WaitFor(() => cluster.HasExited(frozen) || cluster.Log(frozen)[frozenLogLength..].Contains("stale", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the thawed silo to stop its stale run or exit");

        var run = await ClusterFaultToleranceTests.Finish(client, TimeSpan.FromSeconds(120));
        ClusterFaultToleranceTests.AssertComplete(cluster, dir, name, trials, run, stalePid: frozenPid);

        var thawed = cluster.Log(frozen)[frozenLogLength..];
        // Nothing the stale activation did after the thaw was accepted: no checkpoint written, no state persisted.
        Assert.DoesNotContain("recovers from", thawed);
        Assert.DoesNotContain("silo draining", thawed);
        Assert.Contains($"Trial {trial}", string.Concat(survivors.Select(cluster.Log)));
        if (thawed.Contains("stale run", StringComparison.Ordinal))
        {
            Assert.Matches(@"Trial \d+: stale run \d+ stops without writing \(.*fence", thawed);
        }
    }
}
