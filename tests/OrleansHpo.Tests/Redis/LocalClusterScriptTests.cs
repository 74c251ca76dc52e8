using OrleansHpo.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.Redis;

/// <summary>
/// <c>scripts/local-cluster.sh</c>, the script a user runs to try the cluster on one machine, end to end, on each
/// backend (Redis; Azure Storage on Azurite): start 2 silos and the store, run an experiment against them with
/// <c>hpo run --cluster</c>, kill a silo while it runs (the run completes with every report once and no epoch gap),
/// stop. Own ports and folder (HPO_* variables), the hpo.dll built next to the tests (HPO_DLL), so it never touches a
/// user's .cluster/.
/// </summary>
[Collection("redis-cluster")]
public sealed partial class LocalClusterScriptTests : IDisposable
{
    /// <summary>scripts/local-cluster.sh of the checkout the tests were built from (the folder holding OrleansHpo.sln).</summary>
    private static readonly Lazy<string> ScriptPath = new(() =>
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "OrleansHpo.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("repository root not found");
        }
        return Path.Combine(root, "scripts", "local-cluster.sh");
    });

    private readonly string _dir = HpoProcess.TempDir();
    private readonly Dictionary<string, string> _env;

    public LocalClusterScriptTests()
    {
        _env = new Dictionary<string, string>
        {
            ["HPO_CLUSTER_DIR"] = Path.Combine(_dir, "cluster"),
            ["HPO_REDIS_PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HPO_SILO_PORT_BASE"] = FreeRange(2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HPO_GATEWAY_PORT_BASE"] = FreeRange(2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HPO_DLL"] = HpoProcess.Dll,
            ["HPO_AZURITE_PORT"] = (FreeRange(3) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    [GeneratedRegex(@"^silo (\d+) pid (\d+) (running|dead) ", RegexOptions.Multiline)]
    private static partial Regex SiloLine();

    [GeneratedRegex(@"^redis pid (\d+) port (\d+) ", RegexOptions.Multiline)]
    private static partial Regex RedisLine();

    [GeneratedRegex(@"^azurite pid (\d+) blob-port (\d+) ", RegexOptions.Multiline)]
    private static partial Regex AzuriteLine();

    [Theory]
    [InlineData("redis")]
    [InlineData("azurite")]
    public async Task Start_run_kill_and_stop_end_exactly_the_processes_it_started(string backend)
    {
        var start = await Script(TimeSpan.FromSeconds(180), "start", "2", "--backend", backend);
        Assert.True(start.Code == 0, start.Output);
        var url = start.Output.Trim().Split('\n')[^1];
        if (backend == "redis")
        {
            Assert.Equal($"redis://127.0.0.1:{_env["HPO_REDIS_PORT"]}", url);
        }
        else
        {
            Assert.StartsWith("azure:DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;", url, StringComparison.Ordinal);
            Assert.Contains($"BlobEndpoint=http://127.0.0.1:{_env["HPO_AZURITE_PORT"]}/", url, StringComparison.Ordinal);
        }

        var status = await Script(TimeSpan.FromSeconds(30), "status");
        var silos = SiloLine().Matches(status.Output).Select(m => (Index: m.Groups[1].Value, Pid: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), State: m.Groups[3].Value)).ToList();
        Assert.Equal([("1", "running"), ("2", "running")], silos.Select(s => (s.Index, s.State)));
        var storePid = int.Parse(Assert.Single((backend == "redis" ? RedisLine() : AzuriteLine()).Matches(status.Output)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        var spec = Path.Combine(_dir, "script.json");
        await File.WriteAllTextAsync(spec, """
        {
          "name": "script",
          "trainable": "synthetic",
          "config_space": { "learning_rate": { "type": "loguniform", "lower": 0.0001, "upper": 1.0 }, "epochs": 9, "delay_ms": 100 },
          "metric": "loss",
          "mode": "min",
          "max_resource_attr": "epochs",
          "scheduler": { "type": "asha", "variant": "promotion", "grace_period": 1, "reduction_factor": 3 },
          "searcher": { "type": "random", "seed": 3 },
          "n_workers": 4,
          "checkpoints": { "every_epoch": true },
          "stop": { "max_trials_started": 16 }
        }
        """);
        // kill -9 silo 1 once the run has recorded a few reports; the run goes on on silo 2.
        var results = Path.Combine(_dir, "results");
        using var run = HpoProcess.Start("run", spec, "--cluster", url, "--results-dir", results);
        var output = run.StandardOutput.ReadToEndAsync();
        var error = run.StandardError.ReadToEndAsync();
        var csv = Path.Combine(results, "script", "results.csv");
        await ClusterFaultToleranceTests.WaitFor(() => ClusterFaultToleranceTests.ResultRows(csv) >= 6 || run.HasExited, TimeSpan.FromSeconds(90), "6 reports");
        var kill = await Script(TimeSpan.FromSeconds(30), "kill", "1");
        Assert.Equal(0, kill.Code);
        await ClusterFaultToleranceTests.WaitFor(() => !Alive(silos[0].Pid), TimeSpan.FromSeconds(10), "silo 1 to die");
        Assert.Matches(@"silo 1 pid \d+ dead", (await Script(TimeSpan.FromSeconds(30), "status")).Output);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150)))
        {
            await run.WaitForExitAsync(cts.Token);
        }
        Assert.True(run.ExitCode == 0, await output + await error);
        Assert.Contains("best: ", await output);
        // Every (trial, epoch) once, and each trial's epochs 1..last without a gap.
        var epochs = File.ReadLines(csv).Skip(1).Select(l => l.Split(','))
            .Select(f => (Trial: int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), Epoch: int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(epochs.Count, epochs.Distinct().Count());
        foreach (var trial in epochs.GroupBy(e => e.Trial))
        {
            Assert.Equal(Enumerable.Range(1, trial.Max(e => e.Epoch)), trial.Select(e => e.Epoch).Order());
        }

        var stop = await Script(TimeSpan.FromSeconds(120), "stop");
        Assert.True(stop.Code == 0, stop.Output);
        Assert.False(Alive(silos[1].Pid), "silo 2 still runs after stop");
        Assert.False(Alive(storePid), $"the {backend} store still runs after stop");
        var after = await Script(TimeSpan.FromSeconds(30), "status");
        Assert.Contains(backend == "redis" ? "redis not running" : "azurite not running", after.Output);
        Assert.Empty(SiloLine().Matches(after.Output));
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A base port B with B+1..B+<paramref name="count"/> free (the script numbers silos from 1).</summary>
    private static int FreeRange(int count)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int base_ = Random.Shared.Next(20_000, 29_000);
            var listeners = new List<TcpListener>();
            try
            {
                for (int i = 1; i <= count; i++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, base_ + i);
                    listener.Start();
                    listeners.Add(listener);
                }
                return base_;
            }
            catch (SocketException)
            {
            }
            finally
            {
                listeners.ForEach(l => l.Stop());
            }
        }
        throw new InvalidOperationException("no free port range found");
    }

    private async Task<(int Code, string Output)> Script(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(ScriptPath.Value);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in _env)
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await output + await error);
    }

    public void Dispose()
    {
        // Whatever the test left running (a failed assertion before "stop"): the script ends it, by pid.
        try
        {
            Script(TimeSpan.FromSeconds(120), "stop").GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // best effort
        }
    }
}
