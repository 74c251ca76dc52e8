using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OrleansHpo.Testing;

/// <summary>
/// Requests the cluster's store has served so far, by kind, with their server-side time: Redis' INFO commandstats
/// (calls, usec per command), or Azurite's debug log (one line per request; time from a request id's first to last
/// line). Both are counted at the server, so they cover membership, reminders, grain state and (Azure) checkpoints.
/// </summary>
internal static partial class StoreOperations
{
    public sealed record Kind(long Calls, double TotalMs);

    [GeneratedRegex(@"^(\S+) (\S+) info: (Table|Blob)StorageContextMiddleware: RequestMethod=(\w+) RequestURL=http://[^/]+/[^/?]+/?([^?\s(/]*)[^?\s]*(?:\?(\S*))?")]
    private static partial Regex AzuriteRequest();

    [GeneratedRegex(@"^(\S+) (\S+) ")]
    private static partial Regex AzuriteLine();

    [GeneratedRegex(@"^cmdstat_(\w+):calls=(\d+),usec=(\d+)")]
    private static partial Regex RedisCommand();

    public static async Task<Dictionary<string, Kind>> Snapshot(ClusterStoreServer store) => store switch
    {
        RedisServer redis => await Redis(redis),
        AzuriteServer { RequestLog: { } log } => Azurite(log),
        _ => throw new InvalidOperationException("start Azurite with its request log (ClusterStoreServer.Start(backend, logRequests: true))"),
    };

    private static async Task<Dictionary<string, Kind>> Redis(RedisServer redis)
    {
        var info = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-p", redis.Port.ToString(CultureInfo.InvariantCulture), "info", "commandstats" })
        {
            info.ArgumentList.Add(a);
        }
        using var cli = Process.Start(info)!;
        var text = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        var kinds = new Dictionary<string, Kind>();
        foreach (var line in text.Split('\n'))
        {
            if (RedisCommand().Match(line.Trim()) is { Success: true } m)
            {
                kinds[m.Groups[1].Value.ToUpperInvariant()] = new Kind(long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                    long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) / 1000.0);
            }
        }
        kinds.Remove("INFO"); // this snapshot's own command
        return kinds;
    }

    private static Dictionary<string, Kind> Azurite(string log)
    {
        var first = new Dictionary<string, (string Kind, DateTime At)>();
        var last = new Dictionary<string, DateTime>();
        using (var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
        {
            while (reader.ReadLine() is { } line)
            {
                if (AzuriteRequest().Match(line) is { Success: true } r)
                {
                    var query = r.Groups[6].Value;
                    var comp = query.Split('&').FirstOrDefault(p => p.StartsWith("comp=", StringComparison.Ordinal)) ?? "";
                    var kind = $"{r.Groups[3].Value} {r.Groups[4].Value} {r.Groups[5].Value}{(comp.Length > 0 ? "?" + comp : "")}";
                    first.TryAdd(r.Groups[2].Value, (kind, DateTime.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)));
                }
                else if (AzuriteLine().Match(line) is { Success: true } l && first.ContainsKey(l.Groups[2].Value))
                {
                    last[l.Groups[2].Value] = DateTime.Parse(l.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
                }
            }
        }
        return first
            .GroupBy(kv => kv.Value.Kind)
            .ToDictionary(g => g.Key, g => new Kind(g.Count(), g.Sum(kv => ((last.TryGetValue(kv.Key, out var end) ? end : kv.Value.At) - kv.Value.At).TotalMilliseconds)));
    }

    /// <summary>after - before, per kind.</summary>
    public static Dictionary<string, Kind> Delta(Dictionary<string, Kind> after, Dictionary<string, Kind> before) =>
        after.Select(kv => (kv.Key, Calls: kv.Value.Calls - (before.GetValueOrDefault(kv.Key)?.Calls ?? 0), Ms: kv.Value.TotalMs - (before.GetValueOrDefault(kv.Key)?.TotalMs ?? 0)))
            .Where(k => k.Calls > 0)
            .ToDictionary(k => k.Key, k => new Kind(k.Calls, k.Ms));
}
