namespace OrleansHpo.Grains.Execution;

/// <summary>Silo-wide counters of trial activations and runs (for tests, status and metrics).</summary>
public sealed class TrialActivity
{
    private int _activeTrials;
    private long _activations;

    /// <summary>Trial grains that currently have an activation on this silo.</summary>
    public int ActiveTrials => Volatile.Read(ref _activeTrials);

    /// <summary>Trial activations created on this silo since it started.</summary>
    public long Activations => Interlocked.Read(ref _activations);

    internal void Activated()
    {
        Interlocked.Increment(ref _activeTrials);
        Interlocked.Increment(ref _activations);
    }

    internal void Deactivated() => Interlocked.Decrement(ref _activeTrials);
}
