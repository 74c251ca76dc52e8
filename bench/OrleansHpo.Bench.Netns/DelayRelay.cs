using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace OrleansHpo.Bench.Netns;

/// <summary>
/// Latency on a host's link without tc netem (this machine's kernel has no sch_netem): `netns-cluster.sh delay`
/// redirects new TCP connections to the host's service ports to this relay inside the host's namespace, which
/// forwards each chunk, in both directions, after delay +- jitter (normal, never reordering a connection's bytes).
/// </summary>
public sealed class DelayRelay(TimeSpan delay, TimeSpan jitter, int seed)
{
    private readonly Random _random = new(seed);

    public async Task Run(IReadOnlyList<(int ListenPort, IPEndPoint Target)> maps, CancellationToken token)
    {
        var listeners = maps.Select(m =>
        {
            var listener = new TcpListener(IPAddress.Any, m.ListenPort);
            listener.Start();
            return (Listener: listener, m.Target);
        }).ToList();
        Console.WriteLine($"relay listening: {string.Join(", ", maps.Select(m => $"{m.ListenPort} -> {m.Target}"))}, delay {delay.TotalMilliseconds} ms +- {jitter.TotalMilliseconds} ms");
        await Task.WhenAll(listeners.Select(l => Accept(l.Listener, l.Target, token)));
    }

    private async Task Accept(TcpListener listener, IPEndPoint target, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            var inbound = await listener.AcceptTcpClientAsync(token);
            _ = Task.Run(async () =>
            {
                using var a = inbound;
                using var b = new TcpClient { NoDelay = true };
                a.NoDelay = true;
                try
                {
                    await b.ConnectAsync(target, token);
                    await Task.WhenAny(Pipe(a.GetStream(), b.GetStream(), token), Pipe(b.GetStream(), a.GetStream(), token));
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // One side closed or reset: close both (the using blocks).
                }
            }, token);
        }
    }

    private TimeSpan Sample()
    {
        if (jitter <= TimeSpan.Zero)
        {
            return delay;
        }
        double u1, u2;
        lock (_random)
        {
            u1 = 1 - _random.NextDouble();
            u2 = _random.NextDouble();
        }
        double normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2); // Box-Muller
        return TimeSpan.FromMilliseconds(Math.Max(0, delay.TotalMilliseconds + normal * jitter.TotalMilliseconds));
    }

    private async Task Pipe(Stream from, Stream to, CancellationToken token)
    {
        var queue = Channel.CreateUnbounded<(DateTime Due, byte[] Bytes)>();
        var writer = Task.Run(async () =>
        {
            await foreach (var (due, bytes) in queue.Reader.ReadAllAsync(token))
            {
                var wait = due - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, token);
                }
                await to.WriteAsync(bytes, token);
            }
        }, token);
        var buffer = new byte[64 * 1024];
        DateTime lastDue = DateTime.MinValue;
        int n;
        while ((n = await from.ReadAsync(buffer, token)) > 0)
        {
            var due = DateTime.UtcNow + Sample();
            lastDue = due > lastDue ? due : lastDue; // in order: a chunk never overtakes the one before it
            await queue.Writer.WriteAsync((lastDue, buffer[..n]), token);
        }
        queue.Writer.Complete();
        await writer;
    }
}
