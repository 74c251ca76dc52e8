using System.Diagnostics;
using System.Globalization;
using OrleansHpo.Core.Training;
using OrleansHpo.Testing;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.Redis;

/// <summary>
/// Silo processes (<c>hpo silo</c>, the real program) on loopback around one store (<see cref="ClusterStoreServer"/>:
/// Redis or Azurite), with a cluster and service id of their own so tests never see each other. Kill, restart and
/// SIGTERM individual silos. Synthetic trainables append each epoch they train to <see cref="TracePath"/>.
/// </summary>
public sealed class SiloCluster : IDisposable
{
    private readonly ClusterStoreServer _store;
    private readonly Process?[] _silos;
    private readonly int[] _siloPorts;
    private readonly int[] _gatewayPorts;
    private readonly string[] _extra;
    private readonly int[] _logStart;

    public SiloCluster(ClusterStoreServer store, int silos, params string[] extra)
    {
        _store = store;
        _extra = extra;
        Id = "t" + Guid.NewGuid().ToString("N")[..10];
        LogDirectory = Path.Combine(store.Directory, Id);
        Directory.CreateDirectory(LogDirectory);
        _silos = new Process?[silos];
        _logStart = new int[silos];
        _siloPorts = [.. Enumerable.Range(0, silos).Select(_ => FreePorts.Next())];
        _gatewayPorts = [.. Enumerable.Range(0, silos).Select(_ => FreePorts.Next())];
        for (int i = 0; i < silos; i++)
        {
            Start(i);
        }
        for (int i = 0; i < silos; i++)
        {
            WaitReady(i);
        }
    }

    public string Id { get; }

    public string LogDirectory { get; }

    public int Count => _silos.Length;

    /// <summary>The --cluster value of this cluster's store.</summary>
    public string Store => _store.ClusterArgument;

    /// <summary>"trial,epoch,pid,start ticks,end ticks" per trained epoch (SyntheticTrainable.TraceVariable).</summary>
    public string TracePath => Path.Combine(LogDirectory, "epochs.trace");

    public void Start(int i)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args =
        [
            HpoProcess.Dll, "silo", "--cluster", _store.ClusterArgument, "--cluster-id", Id, "--service-id", Id,
            "--silo-port", _siloPorts[i].ToString(CultureInfo.InvariantCulture), "--gateway-port", _gatewayPorts[i].ToString(CultureInfo.InvariantCulture),
            "--name", $"silo{i}", "--slots", "2", "--fast-failure-detection", "--reminder-period", "00:00:02", "--reconcile-interval", "00:00:01",
            .. _extra,
        ];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in _store.Environment)
        {
            info.Environment[key] = value;
        }
        info.Environment[SyntheticTrainable.TraceVariable] = TracePath;
        var path = Path.Combine(LogDirectory, $"silo{i}.log");
        _logStart[i] = File.Exists(path) ? File.ReadAllText(path).Length : 0;
        var log = new StreamWriter(path, append: true) { AutoFlush = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { lock (log) { log.WriteLine(line); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { lock (log) { log.WriteLine(line); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _silos[i] = process;
    }

    /// <summary>
    /// Until the silo (as last started) has joined the cluster: its gateway opens earlier, while it is still joining,
    /// and a SIGTERM then cancels the start instead of draining.
    /// </summary>
    public void WaitReady(int i)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!Log(i)[_logStart[i]..].Contains(OrleansHpo.Silo.ClusterSiloHost.ActiveLine, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || _silos[i]!.HasExited)
            {
                throw new InvalidOperationException($"silo {i} did not open its gateway; log: {File.ReadAllText(Path.Combine(LogDirectory, $"silo{i}.log"))}");
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>kill -9.</summary>
    public void Kill(int i)
    {
        _silos[i]!.Kill();
        _silos[i]!.WaitForExit(10_000);
    }

    /// <summary>Send a POSIX signal (e.g. STOP / CONT: freeze and thaw the silo, as a long GC pause or partition would).</summary>
    public void Signal(int i, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _silos[i]!.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} silo {i} failed");
        }
    }

    public bool HasExited(int i) => _silos[i]!.HasExited;

    /// <summary>SIGTERM: the silo drains (checkpoints, persists) and stops.</summary>
    public async Task Terminate(int i, TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _silos[i]!.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(timeout);
        await _silos[i]!.WaitForExitAsync(cts.Token);
    }

    public string Log(int i) => File.ReadAllText(Path.Combine(LogDirectory, $"silo{i}.log"));

    public IDictionary<string, string?> ClientEnvironment => new Dictionary<string, string?>(_store.Environment.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)))
    {
        ["HPO_CLUSTER_ID"] = Id,
        ["HPO_SERVICE_ID"] = Id,
    };

    /// <summary>Process ids of the silos as last started.</summary>
    public int Pid(int i) => _silos[i]!.Id;

    /// <summary>
    /// No trial trained in two silo processes at once: per trial, the epochs the trace holds from different processes
    /// do not overlap in time. <paramref name="ignorePids"/>: a process deliberately left stale (frozen, then thawed).
    /// </summary>
    public void AssertNoTrialTrainedTwiceAtOnce(params int[] ignorePids)
    {
        Assert.True(File.Exists(TracePath), $"no epoch trace at {TracePath}");
        var epochs = File.ReadLines(TracePath)
            .Select(l => l.Split(','))
            .Where(f => f.Length == 5)
            .Select(f => (Trial: int.Parse(f[0], CultureInfo.InvariantCulture), Epoch: int.Parse(f[1], CultureInfo.InvariantCulture),
                Pid: int.Parse(f[2], CultureInfo.InvariantCulture), Start: long.Parse(f[3], CultureInfo.InvariantCulture), End: long.Parse(f[4], CultureInfo.InvariantCulture)))
            .Where(e => !ignorePids.Contains(e.Pid))
            .ToList();
        Assert.NotEmpty(epochs);
        foreach (var trial in epochs.GroupBy(e => e.Trial))
        {
            var ordered = trial.OrderBy(e => e.Start).ToList();
            for (int a = 0; a < ordered.Count; a++)
            {
                for (int b = a + 1; b < ordered.Count && ordered[b].Start < ordered[a].End; b++)
                {
                    Assert.True(ordered[a].Pid == ordered[b].Pid,
                        $"trial {trial.Key} trained in processes {ordered[a].Pid} (epoch {ordered[a].Epoch}) and {ordered[b].Pid} (epoch {ordered[b].Epoch}) at once");
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var silo in _silos)
        {
            if (silo is { HasExited: false })
            {
                // A frozen (SIGSTOP) silo still dies on SIGKILL; CONT first so nothing is left stopped.
                using var cont = Process.Start("kill", ["-CONT", silo.Id.ToString(CultureInfo.InvariantCulture)]);
                cont.WaitForExit();
            }
            if (silo is { HasExited: false })
            {
                silo.Kill();
                silo.WaitForExit(10_000);
            }
            silo?.Dispose();
        }
    }
}
