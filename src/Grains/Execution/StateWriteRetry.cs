using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// A grain's state write, retried with backoff while it fails for a transient reason (storage unreachable: Redis
/// restarting, a socket reset, a timeout). Bounded, so the grain turn ends well within the caller's response timeout;
/// then the fault is rethrown for the caller to end its activation without a verdict. A version conflict or a lasting
/// fault is rethrown at once (docs/architecture.md, "Failures").
/// </summary>
public static class StateWriteRetry
{
    /// <summary>How long a write keeps retrying (below Orleans' default 30 s response timeout).</summary>
    public static TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(15);

    public static async Task Write<T>(IPersistentState<T> state, ILogger logger, string what)
    {
        var deadline = DateTime.UtcNow + Budget;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await state.WriteStateAsync();
                return;
            }
            catch (Exception e) when (e is not InconsistentStateException && FailureClassifier.Classify(e) == FailureClass.Transient && DateTime.UtcNow + delay < deadline)
            {
                logger.LogWarning("{What}: state write failed ({Error}); retrying in {Delay} ms", what, e.GetType().Name, delay.TotalMilliseconds);
                await Task.Delay(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }
}
