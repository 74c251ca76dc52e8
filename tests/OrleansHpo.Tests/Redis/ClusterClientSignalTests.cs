using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.Redis;

/// <summary>
/// Signals to the client of a <c>--cluster</c> run (docs/architecture.md, "Signals, ownership and exit codes"), on
/// real processes: Redis, one <c>hpo silo</c> and the <c>hpo run --cluster</c> client. By default the client detaches
/// and the experiment goes on in the cluster; with <c>--stop-on-exit</c> it stops it, and <c>hpo resume --cluster</c>
/// continues it to its budget.
/// </summary>
[Collection("redis-cluster")]
public sealed class ClusterClientSignalTests : IClassFixture<RedisFixture>
{
    private readonly RedisServer _redis;

    public ClusterClientSignalTests(RedisFixture fixture) => _redis = fixture.Server;

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(180);

    private static async Task<(int Code, string Output)> Signal(Process client, int signal, string csv, int rows)
    {
        await ClusterFaultToleranceTests.WaitFor(() => client.HasExited || ClusterFaultToleranceTests.ResultRows(csv) >= rows, Long, $"{rows} reports");
        if (client.HasExited)
        {
            var (exit, text) = await ClusterFaultToleranceTests.Finish(client, TimeSpan.FromSeconds(10));
            Assert.Fail($"the client ended (exit {exit}) before the signal:\n{text}");
        }
        PosixSignal.Send(client.Id, signal);
        return await ClusterFaultToleranceTests.Finish(client, TimeSpan.FromSeconds(60));
    }

    /// <summary>The process-level spec with 2 workers and 400 ms epochs: long enough (about 10 s) to signal mid-run.</summary>
    private static string Spec(string dir, string name, int trials, int seed)
    {
        var path = SyntheticAshaSpec.Write(dir, name, trials, 400, seed);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"n_workers\": 4", "\"n_workers\": 2", StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public async Task SIGINT_detaches_the_client_and_the_experiment_finishes_in_the_cluster_then_SIGTERM_with_stop_on_exit_stops_it_and_resume_finishes_it()
    {
        using var cluster = new SiloCluster(_redis, 1);
        var dir = HpoProcess.TempDir();
        const int trials = 16;

        // 1. SIGINT: the client leaves, saying so; the experiment goes on without it.
        var spec = Spec(dir, "detach", trials, seed: 7);
        var client = ClusterFaultToleranceTests.Client(cluster, "run", spec, "--cluster", _redis.Url, "--results-dir", dir);
        var (code, output) = await Signal(client, PosixSignal.SigInt, Path.Combine(dir, "detach", "results.csv"), 3);
        Assert.True(code == 130, $"exit {code}\n{output}");
        Assert.Contains("SIGINT: detached; experiment detach goes on in the cluster", output);
        var metadata = Path.Combine(dir, "detach", "metadata.json");
        await ClusterFaultToleranceTests.WaitFor(() => File.Exists(metadata) && File.ReadAllText(metadata).Contains("\"status\": \"completed\"", StringComparison.Ordinal),
            Long, "the detached experiment to complete in the cluster");
        var follow = ClusterFaultToleranceTests.Client(cluster, "resume", "detach", "--cluster", _redis.Url, "--results-dir", dir);
        ClusterFaultToleranceTests.AssertComplete(dir, "detach", trials, await ClusterFaultToleranceTests.Finish(follow, Long));

        // 2. SIGTERM with --stop-on-exit: the experiment stops with the client; resume continues it to its budget.
        spec = Spec(dir, "owned", trials, seed: 8);
        client = ClusterFaultToleranceTests.Client(cluster, "run", spec, "--cluster", _redis.Url, "--results-dir", dir, "--stop-on-exit");
        (code, output) = await Signal(client, PosixSignal.SigTerm, Path.Combine(dir, "owned", "results.csv"), 3);
        Assert.True(code == 143, $"exit {code}\n{output}");
        Assert.Contains("SIGTERM: --stop-on-exit: stopping experiment owned in the cluster", output);
        metadata = Path.Combine(dir, "owned", "metadata.json");
        await ClusterFaultToleranceTests.WaitFor(() => File.Exists(metadata) && File.ReadAllText(metadata).Contains("\"status\": \"completed\"", StringComparison.Ordinal),
            Long, "the stop to complete");
        var stopped = JsonNode.Parse(File.ReadAllText(metadata))!;
        Assert.StartsWith("stopped by the client (SIGTERM", stopped["stop_reason"]!.GetValue<string>());
        Assert.True(stopped["num_trials_started"]!.GetValue<int>() < trials, "the budget was spent before the stop");
        var resume = ClusterFaultToleranceTests.Client(cluster, "resume", "owned", "--cluster", _redis.Url, "--results-dir", dir);
        (code, output) = await ClusterFaultToleranceTests.Finish(resume, Long);
        Assert.True(code == 0, $"exit {code}\n{output}");
        var done = JsonNode.Parse(File.ReadAllText(metadata))!;
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Equal(trials, done["num_trials_started"]!.GetValue<int>());
        Assert.Equal(0, done["num_trials_failed"]!.GetValue<int>());
        // A trial the stop ended keeps what it reported; none reported an epoch twice.
        var keys = File.ReadLines(Path.Combine(dir, "owned", "results.csv")).Skip(1).Select(l => l.Split(',')).Select(r => (r[0], r[4])).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }
}
