using System.Diagnostics;
using System.Globalization;

namespace OrleansHpo.Testing;

/// <summary>
/// A real redis-server on a free loopback port, with AOF and fsync on every write like scripts/local-cluster.sh;
/// stopped by its handle.
/// </summary>
public sealed class RedisServer : ClusterStoreServer
{
    private readonly Process _process;

    public RedisServer() : base("redis")
    {
        Port = FreePorts.Next();
        _process = Launch("redis-server", null, "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
            "--appendonly", "yes", "--appendfsync", "always", "--save", "");
        if (!FreePorts.WaitAccepting(_process, TimeSpan.FromSeconds(20), Port))
        {
            Stop(_process);
            throw new InvalidOperationException($"redis-server did not listen on {Port} (run scripts/install-deps.sh)");
        }
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
