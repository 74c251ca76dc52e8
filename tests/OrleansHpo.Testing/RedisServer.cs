using System.Diagnostics;
using System.Globalization;

namespace OrleansHpo.Testing;

/// <summary>
/// A real redis-server on a free loopback port, with AOF and fsync on every write like scripts/local-cluster.sh;
/// stopped by its handle. <see cref="Kill"/> and <see cref="Restart"/> make a storage outage: the server comes back
/// on the same port with the same data (its append-only file).
/// </summary>
public sealed class RedisServer : ClusterStoreServer
{
    private Process _process;

    public RedisServer() : base("redis")
    {
        Port = FreePorts.Next();
        _process = Launch();
    }

    /// <summary>kill -9 the server: every connection drops, calls fail until <see cref="Restart"/>.</summary>
    public void Kill() => Stop(_process);

    /// <summary>Start the server again on the same port and folder: it reloads its data from the append-only file.</summary>
    public void Restart()
    {
        Stop(_process);
        _process = Launch();
    }

    private Process Launch()
    {
        var process = Launch("redis-server", null, "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
            "--appendonly", "yes", "--appendfsync", "always", "--save", "");
        if (!FreePorts.WaitAccepting(process, TimeSpan.FromSeconds(20), Port))
        {
            Stop(process);
            throw new InvalidOperationException($"redis-server did not listen on {Port} (run scripts/install-deps.sh)");
        }
        return process;
    }

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}";

    public override string ClusterArgument => Url;

    /// <summary>Orleans' Redis membership: hash SERVICE/members/CLUSTER, one JSON row per silo generation; Status 6 is Dead.</summary>
    public override async Task<bool> IsDeadAsync(string clusterId, int siloPort)
    {
        var info = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-p", Port.ToString(CultureInfo.InvariantCulture), "--raw", "hgetall", $"{clusterId}/members/{clusterId}" })
        {
            info.ArgumentList.Add(a);
        }
        using var cli = Process.Start(info)!;
        var text = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        var port = $":{siloPort}@";
        var rows = text.Split('\n').Where(l => l.Contains(port, StringComparison.Ordinal) && l.StartsWith('{')).ToList();
        return rows.Count > 0 && rows.OrderBy(Generation).Last().Contains("\"Status\":6", StringComparison.Ordinal);
    }

    private static long Generation(string row)
    {
        var at = row.IndexOf('@', StringComparison.Ordinal);
        var end = row.IndexOf('"', at);
        return long.Parse(row[(at + 1)..end], CultureInfo.InvariantCulture);
    }

    public override void Dispose() => Stop(_process);
}
