using System.Text.Json.Nodes;
using OrleansHpo.Testing;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.Redis;

/// <summary>
/// A storage outage under a cluster is a transient fault (docs/architecture.md, "Failures"): redis-server killed
/// mid-run under two silo processes and started again on the same port with its data (append-only file). The run
/// waits it out: no trial fails, nothing is reported twice or lost, and metadata.json agrees with <c>hpo results</c>.
/// </summary>
[Collection("redis-cluster")]
public sealed class StorageOutageTests
{
    /// <summary>Long enough that grain calls and state writes fail and their retries give up (StateWriteRetry: 15 s).</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Redis_stopped_and_restarted_mid_run_fails_no_trial_and_metadata_agrees_with_the_results()
    {
        using var redis = new RedisServer();
        using var cluster = new SiloCluster(redis, 2);
        var dir = HpoProcess.TempDir();
        const int trials = 16;
        var spec = SyntheticAshaSpec.Write(dir, "outage", trials, delayMs: 200, seed: 5);
        var client = ClusterFaultToleranceTests.Client(cluster, "run", spec, "--cluster", cluster.Store, "--results-dir", dir);
        var csv = Path.Combine(dir, "outage", "results.csv");
        await ClusterFaultToleranceTests.WaitFor(() => ClusterFaultToleranceTests.ResultRows(csv) >= 6, TimeSpan.FromSeconds(90), "6 reports");
        Assert.False(client.HasExited, "the run ended before the outage");
        redis.Kill();
        // The outage itself (not a synchronization): the store stays down this long, then comes back with its data.
        await Task.Delay(Outage);
        redis.Restart();
        var run = await ClusterFaultToleranceTests.Finish(client, TimeSpan.FromSeconds(150));

        ClusterFaultToleranceTests.AssertComplete(cluster, dir, "outage", trials, run);
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "outage", "metadata.json")))!;
        Assert.True(metadata["num_trials_failed"]!.GetValue<int>() == 0, $"trials failed by the outage: {metadata}\n{run.Output}");

        var (code, json, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), "results", "outage", "--results-dir", dir, "--json");
        Assert.True(code == 0, error);
        var statuses = JsonNode.Parse(json)!.AsArray().Select(t => t!["status"]!.GetValue<string>()).ToList();
        Assert.Equal(trials, statuses.Count);
        Assert.Equal(metadata["num_trials_completed"]!.GetValue<int>(), statuses.Count(s => s == "completed"));
        Assert.Equal(metadata["num_trials_stopped"]!.GetValue<int>() + metadata["num_trials_paused"]!.GetValue<int>(),
            statuses.Count(s => s is "stopped" or "paused"));
    }
}
