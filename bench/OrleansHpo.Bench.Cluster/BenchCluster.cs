using System.Diagnostics;
using OrleansHpo.Testing;

/// <summary>A store (redis-server or Azurite) and N silo processes on loopback, each silo logging to its own file; ended by pid.</summary>
internal sealed class BenchCluster : IDisposable
{
    private readonly string _work;
    private readonly string _id;
    private readonly string _hpo;
    private readonly int _slots;
    private readonly ClusterStoreServer _store;
    private readonly Process?[] _silos;
    private readonly int[] _siloPorts;
    private readonly int[] _gatewayPorts;
    private readonly long[] _logStart;
    private readonly List<Process> _clients = [];

    public BenchCluster(string work, string id, int silos, string hpo, int slots, string backend, bool logRequests = false)
    {
        _work = work;
        _id = id;
        _hpo = hpo;
        _slots = slots;
        _store = ClusterStoreServer.Start(backend, logRequests);
        _silos = new Process?[silos];
        _logStart = new long[silos];
        _siloPorts = [.. Enumerable.Range(0, silos).Select(_ => FreePorts.Next())];
        _gatewayPorts = [.. Enumerable.Range(0, silos).Select(_ => FreePorts.Next())];
        for (int i = 0; i < silos; i++)
        {
            Start(i);
        }
        for (int i = 0; i < silos; i++)
        {
            WaitReady(i).GetAwaiter().GetResult();
        }
    }

    public ClusterStoreServer Store => _store;

    public string ServiceId => _id;

    private static string ReadFrom(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        return new StreamReader(stream).ReadToEnd();
    }

    private string LogPath(int i) => Path.Combine(_work, $"silo{i}.log");

    public void Start(int i)
    {
        // Same switches as scripts/local-cluster.sh (fast failure detection) plus a 1 s reconcile interval.
        _silos[i]?.Dispose();
        _logStart[i] = File.Exists(LogPath(i)) ? new FileInfo(LogPath(i)).Length : 0;
        _silos[i] = Shell($"exec dotnet '{_hpo}' silo --cluster '{_store.ClusterArgument}' --cluster-id {_id} --service-id {_id} --silo-port {_siloPorts[i]} " +
            $"--gateway-port {_gatewayPorts[i]} --name silo{i} --slots {_slots} --fast-failure-detection --reconcile-interval 00:00:01 " +
            $"--reminder-period 00:00:02 >> '{LogPath(i)}' 2>&1");
    }

    public async Task WaitReady(int i)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        // The gateway opens while the silo still joins; the silo logs this line once it has joined.
        while (!File.Exists(LogPath(i)) || !ReadFrom(LogPath(i), _logStart[i]).Contains("active in cluster", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || _silos[i]!.HasExited)
            {
                throw new InvalidOperationException($"silo {i} did not join the cluster; see {LogPath(i)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>kill -9; returns the time of the kill.</summary>
    public DateTime Kill(int i)
    {
        var at = DateTime.UtcNow;
        _silos[i]!.Kill();
        _silos[i]!.WaitForExit(10_000);
        return at;
    }

    /// <summary>Polls the store's membership table until silo i's newest row says Dead.</summary>
    public async Task<DateTime> WaitDead(int i, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            bool dead = await _store.IsDeadAsync(_id, _siloPorts[i]);
            var seen = DateTime.UtcNow;
            if (dead)
            {
                return seen;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"silo {i} was not declared dead in {timeout}");
    }

    public long LogLength(int i) => File.Exists(LogPath(i)) ? new FileInfo(LogPath(i)).Length : 0;

    public IEnumerable<string> LogSince(int i, long offset)
    {
        using var stream = new FileStream(LogPath(i), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return lines;
    }

    public Process StartClient(string spec)
    {
        var results = Path.Combine(_work, "results");
        var client = Shell($"HPO_CLUSTER_ID={_id} HPO_SERVICE_ID={_id} exec dotnet '{_hpo}' run '{spec}' --cluster '{_store.ClusterArgument}' --results-dir '{results}' > '{_work}/client.log' 2>&1");
        _clients.Add(client);
        return client;
    }

    public async Task<int> RunClient(string spec, TimeSpan timeout) => await Wait(StartClient(spec), timeout);

    public async Task<int> Wait(Process client, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await client.WaitForExitAsync(cts.Token);
        return client.ExitCode;
    }

    public void Dispose()
    {
        foreach (var p in _clients.Concat(_silos.OfType<Process>()))
        {
            if (!p.HasExited)
            {
                p.Kill();
                p.WaitForExit(10_000);
            }
            p.Dispose();
        }
        _store.Dispose();
    }

    private Process Shell(string command)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        foreach (var (key, value) in _store.Environment)
        {
            info.Environment[key] = value; // the Azure connection string: never on a command line
        }
        return Process.Start(info)!;
    }
}
