using System.Globalization;
using OrleansHpo.Bench.Netns;
using OrleansHpo.Tests.Cli;
using OrleansHpo.Tests.Redis;

namespace OrleansHpo.Tests.Netns;

/// <summary>
/// Separate hosts (scripts/netns-cluster.sh): Redis, 3 silos and the client each in a network namespace of their own,
/// on a private bridge. During a synthetic experiment one silo is cut off from Redis only (its peers still see it),
/// then one silo's link gets 200 ms of latency; after each heal the invariants of docs/cluster.md hold. Faults are
/// held until the rest of the cluster has made progress (a condition with a timeout), not for a fixed time.
/// </summary>
[Collection("redis-cluster")]
public sealed class PartitionTests
{
    [NetnsFact]
    public async Task A_silo_cut_from_Redis_and_a_slow_link_lose_nothing_and_the_experiment_completes()
    {
        var dir = HpoProcess.TempDir();
        var tag = Random.Shared.Next(0, 250);
        var relay = typeof(DelayRelay).Assembly.Location;
        using var cluster = new NetnsCluster(RepositoryRoot(), Path.Combine(dir, "cluster"), $"hpt{tag}", $"10.234.{tag}", HpoProcess.Dll, relay);
        cluster.Start(3, "--log-level", "Debug", "--reconcile-interval", "00:00:01", "--reminder-period", "00:00:02");
        Assert.StartsWith("redis://10.234.", cluster.Url, StringComparison.Ordinal);
        var day = DateTime.UtcNow.Date;

        const string name = "netns";
        const int trials = 30;
        var spec = SyntheticAshaSpec.Write(dir, name, trials, delayMs: 400, seed: 7, extra: "\n  \"checkpoints\": { \"every_epoch\": true },");
        var client = cluster.Client(HpoProcess.Dll, Path.Combine(dir, "client.log"), "run", spec, "--cluster", cluster.Url, "--results-dir", dir);
        var csv = Path.Combine(dir, name, "results.csv");
        await ClusterFaultToleranceTests.WaitFor(() => ClusterFaultToleranceTests.ResultRows(csv) >= 8, TimeSpan.FromSeconds(90), "8 reports");

        var faults = new List<Fault>();
        async Task Hold(string kind, string target, string[] apply, int progress)
        {
            var at = DateTime.UtcNow;
            cluster.Fault(apply);
            int rows = ClusterFaultToleranceTests.ResultRows(csv);
            await ClusterFaultToleranceTests.WaitFor(() => ClusterFaultToleranceTests.ResultRows(csv) >= rows + progress || client.HasExited,
                TimeSpan.FromSeconds(60), $"{progress} reports during {kind}");
            cluster.Fault("heal");
            faults.Add(new Fault(kind, target, at, DateTime.UtcNow));
        }
        await Hold("cut-redis", "2", ["cut-redis", "2"], 10);
        await Hold("delay", "1", ["delay", "s1", "200"], 10);

        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await client.WaitForExitAsync(cts.Token);
        }
        var output = File.ReadAllText(Path.Combine(dir, "client.log"));
        Assert.True(client.ExitCode == 0, $"client exit {client.ExitCode}: {output}");
        var report = Invariants.Check(Path.Combine(dir, name), [.. Enumerable.Range(1, 3).Select(cluster.SiloLog)], faults, day, TimeSpan.FromSeconds(30));
        Assert.True(report.Ok, string.Join('\n', report.Lines()));
        Assert.True(report.Runs >= trials, $"only {report.Runs} runs logged: {string.Join('\n', report.Lines())}");
        // The silos advertised their own namespace addresses, never loopback.
        var logs = string.Concat(Enumerable.Range(1, 3).Select(i => File.ReadAllText(cluster.SiloLog(i))));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"begins on S10.234.{tag}.1"), logs);
        Assert.DoesNotContain("begins on S127.", logs);
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "OrleansHpo.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("repository root not found");
    }
}
