using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.Redis;

/// <summary>
/// Fault tolerance on real processes, on each backend (Redis; Azure Storage on Azurite): the store, silo processes
/// (<c>hpo silo</c>) and the <c>hpo run --cluster</c> client. Conditions are polled with timeouts, never slept on.
/// </summary>
[Collection("redis-cluster")]
public sealed class ClusterFaultToleranceTests(ClusterStoresFixture stores) : IClassFixture<ClusterStoresFixture>
{
    private static string Spec(string dir, string name, int trials, int delayMs) => SyntheticAshaSpec.Write(dir, name, trials, delayMs, seed: 5);

    internal static Process Client(SiloCluster cluster, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(HpoProcess.Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in cluster.ClientEnvironment)
        {
            info.Environment[key] = value;
        }
        return Process.Start(info)!;
    }

    internal static async Task<(int Code, string Output)> Finish(Process client, TimeSpan timeout)
    {
        var output = client.StandardOutput.ReadToEndAsync();
        var error = client.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await client.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            client.Kill(entireProcessTree: true);
            throw new TimeoutException($"hpo client did not finish in {timeout}: {await output}\n{await error}");
        }
        return (client.ExitCode, await output + "\n" + await error);
    }

    internal static int ResultRows(string csv) => File.Exists(csv) ? File.ReadLines(csv).Count() - 1 : 0;

    internal static async Task WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Every trial accounted for, no (trial, epoch) twice, the experiment completed, no trial trained in two
    /// silos at once (<paramref name="stalePid"/>: a silo deliberately left stale, whose writes other checks cover).</summary>
    internal static void AssertComplete(SiloCluster cluster, string dir, string name, int trials, (int Code, string Output) run, int stalePid = -1)
    {
        cluster.AssertNoTrialTrainedTwiceAtOnce(stalePid);
        AssertComplete(dir, name, trials, run);
    }

    /// <summary>Every trial accounted for, no (trial, epoch) twice, no epoch gap, the experiment completed.</summary>
    internal static void AssertComplete(string dir, string name, int trials, (int Code, string Output) run)
    {
        Assert.True(run.Code == 0, $"exit {run.Code}\n{run.Output}");
        Assert.Contains("best: ", run.Output);
        var rows = File.ReadLines(Path.Combine(dir, name, "results.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var keys = rows.Select(r => (Trial: int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture), Epoch: int.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, trials), keys.Select(k => k.Trial).Distinct().Order());
        // Each trial's epochs are 1..last with no gap: nothing lost between checkpoint and report.
        foreach (var trial in keys.GroupBy(k => k.Trial))
        {
            Assert.Equal(Enumerable.Range(1, trial.Max(k => k.Epoch)), trial.Select(k => k.Epoch).Order());
        }
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, name, "metadata.json")))!;
        Assert.Equal("completed", metadata["status"]!.GetValue<string>());
        Assert.Equal(0, metadata["num_trials_running"]!.GetValue<int>());
        Assert.Equal(trials, metadata["num_trials_started"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(ClusterStoresFixture.Backends), MemberType = typeof(ClusterStoresFixture))]
    public async Task Kill_9_of_one_silo_mid_experiment_loses_no_trial_and_records_no_report_twice(string backend)
    {
        using var cluster = new SiloCluster(stores.Get(backend), 3);
        var dir = HpoProcess.TempDir();
        const int trials = 40;
        var client = Client(cluster, "run", Spec(dir, "kill9", trials, 30), "--cluster", cluster.Store, "--results-dir", dir);
        var csv = Path.Combine(dir, "kill9", "results.csv");
        await WaitFor(() => ResultRows(csv) >= 20, TimeSpan.FromSeconds(90), "20 reports");
        cluster.Kill(1);
        var run = await Finish(client, TimeSpan.FromSeconds(150));
        AssertComplete(cluster, dir, "kill9", trials, run);
    }

    [Theory]
    [MemberData(nameof(ClusterStoresFixture.Backends), MemberType = typeof(ClusterStoresFixture))]
    public async Task Killing_every_silo_and_starting_them_again_completes_the_experiment_by_itself(string backend)
    {
        using var cluster = new SiloCluster(stores.Get(backend), 3);
        var dir = HpoProcess.TempDir();
        const int trials = 30;
        var client = Client(cluster, "run", Spec(dir, "restart", trials, 30), "--cluster", cluster.Store, "--results-dir", dir);
        var csv = Path.Combine(dir, "restart", "results.csv");
        await WaitFor(() => ResultRows(csv) >= 15, TimeSpan.FromSeconds(90), "15 reports");
        for (int i = 0; i < cluster.Count; i++)
        {
            cluster.Kill(i);
        }
        for (int i = 0; i < cluster.Count; i++)
        {
            cluster.Start(i);
        }
        var run = await Finish(client, TimeSpan.FromSeconds(180));
        AssertComplete(cluster, dir, "restart", trials, run);
    }

    [Theory]
    [MemberData(nameof(ClusterStoresFixture.Backends), MemberType = typeof(ClusterStoresFixture))]
    public async Task Sigterm_drains_a_silo_its_trials_checkpoint_and_resume_from_there(string backend)
    {
        using var cluster = new SiloCluster(stores.Get(backend), 2);
        var dir = HpoProcess.TempDir();
        const int trials = 12;
        // Long enough epochs that the drain catches trials mid-training; no rung-level checkpoints at epochs 2, 4...
        var client = Client(cluster, "run", Spec(dir, "sigterm", trials, 150), "--cluster", cluster.Store, "--results-dir", dir);
        var csv = Path.Combine(dir, "sigterm", "results.csv");
        await WaitFor(() => ResultRows(csv) >= 6, TimeSpan.FromSeconds(90), "6 reports");
        await cluster.Terminate(0, TimeSpan.FromSeconds(60));
        var log = cluster.Log(0);
        Assert.True(log.Contains("Draining (shutdown)", StringComparison.Ordinal) && log.Contains("Drained", StringComparison.Ordinal),
            $"silo 0 did not drain on SIGTERM; its log:\n{log}");
        var run = await Finish(client, TimeSpan.FromSeconds(150));
        AssertComplete(cluster, dir, "sigterm", trials, run);
        if (log.Contains("silo draining, run", StringComparison.Ordinal))
        {
            // A drained trial resumed from the checkpoint it wrote, not from scratch: nothing retrained.
            Assert.Contains("recovers from", cluster.Log(1));
            Assert.DoesNotContain("retraining from scratch", cluster.Log(1));
        }
    }
}
