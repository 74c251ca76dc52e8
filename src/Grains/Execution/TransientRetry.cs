using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// Retries a grain call that failed because its target's silo went away (killed, shutting down), until the
/// cluster's membership declares that silo dead and the grain activates elsewhere, or because the target activation
/// was stale (a version conflict on its own write). Other failures are rethrown. Use it around calls to other grains
/// only: a caller's own version conflict means the caller is stale and must stop, never retry.
/// </summary>
public static class TransientRetry
{
    /// <summary>How long to keep trying: longer than a failure detection on a default-configured cluster.</summary>
    public static TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(90);

    public static async Task<T> Run<T>(Func<Task<T>> call, ILogger logger, string what)
    {
        var deadline = DateTime.UtcNow + Budget;
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("{What} failed ({Error}); retrying in {Delay} ms", what, e.GetType().Name, delay.TotalMilliseconds);
                await Task.Delay(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    /// <summary>
    /// Failures of a call to another grain that say its silo is gone or unreachable, or that the activation answering
    /// was stale, not that the call is wrong. A callee that lets an <see cref="InconsistentStateException"/> escape
    /// is deactivated by the Orleans runtime (it does so for any activation that throws one from a grain method), so
    /// the next call reaches a fresh activation that reads current state. Seen in the SIGSTOP test: a frozen silo's
    /// rung grain, thawed after its rung had moved, refused a promoted trial's report with a version conflict.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        InconsistentStateException => true,
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException => true,
        OrleansException o when o.Message.Contains("unavailable", StringComparison.OrdinalIgnoreCase) => true,
        // The callee's silo could not reach the grain store (partitioned from Redis while its peers still see it;
        // docs/cluster.md, separate hosts): its state was not written, so the call is safe to repeat once it can.
        // Not when the store's own disk refused the write (read-only, full): that is lasting, retrying cannot fix it.
        OrleansException o when o.Message.StartsWith("Error from storage provider", StringComparison.Ordinal) => FailureClassifier.LastingCause(o) is null,
        AggregateException a when a.InnerException is { } inner => IsTransient(inner),
        _ => false,
    };
}
