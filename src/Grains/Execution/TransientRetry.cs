using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// Retries a grain call that failed because its target's silo went away (killed, shutting down), until the
/// cluster's membership declares that silo dead and the grain activates elsewhere. Other failures are rethrown.
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

    /// <summary>Failures that say the target silo is gone or unreachable, not that the call is wrong.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        InconsistentStateException => false,
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException => true,
        OrleansException o when o.Message.Contains("unavailable", StringComparison.OrdinalIgnoreCase) => true,
        AggregateException a when a.InnerException is { } inner => IsTransient(inner),
        _ => false,
    };
}
