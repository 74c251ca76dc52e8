namespace OrleansHpo.Grains.Execution;

/// <summary>
/// A silo-wide "stop training soon" switch for graceful shutdown (SIGTERM) and job time limits. Once
/// <see cref="Begin"/> is called, every run ends at its next epoch boundary: it writes a checkpoint, reports it to its
/// trial grain (which persists it) and ends with the trial still Running, so the experiment's reconcile loop
/// re-drives it on another silo (or on this one after a restart). <see cref="Abort"/> cancels runs mid-epoch when
/// the leeway is spent; they resume from their last persisted checkpoint.
/// </summary>
public sealed class TrainingDrain
{
    private readonly CancellationTokenSource _abort = new();
    private int _draining;
    private long _longestEpochTicks;

    /// <summary>True once a drain began: runs end at their next epoch boundary and new runs end at once.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) != 0;

    /// <summary>Cancelled when the leeway is over: runs stop mid-epoch without a new checkpoint.</summary>
    public CancellationToken AbortToken => _abort.Token;

    /// <summary>The longest epoch (checkpoint included) a run on this silo took so far; null before the first.
    /// A job's time limit drains a multiple of it before the end (docs/slurm.md).</summary>
    public TimeSpan? LongestEpoch => Volatile.Read(ref _longestEpochTicks) is > 0 and var ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>Records how long an epoch took (training and its checkpoint).</summary>
    public void ObserveEpoch(TimeSpan duration)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref _longestEpochTicks);
            if (duration.Ticks <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _longestEpochTicks, duration.Ticks, seen) != seen);
    }

    /// <summary>Start draining. Idempotent.</summary>
    public void Begin() => Interlocked.Exchange(ref _draining, 1);

    /// <summary>Cancel the epochs still training.</summary>
    public void Abort()
    {
        Begin();
        _abort.Cancel();
    }
}
