using Orleans.Runtime;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// Silo-wide counters of trial activations (for placement, tests, status and metrics), and the local slots the
/// placement director has promised to trials whose activation has not started yet.
/// </summary>
public sealed class TrialActivity
{
    /// <summary>How long a placement decision holds a slot when its activation never arrives (the call failed).</summary>
    internal static readonly TimeSpan ReservationTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<GrainId, long> _reserved = [];
    private readonly Lock _gate = new();
    private int _activeTrials;
    private long _activations;

    /// <summary>Trial grains that currently have an activation on this silo.</summary>
    public int ActiveTrials => Volatile.Read(ref _activeTrials);

    /// <summary>Trial activations created on this silo since it started.</summary>
    public long Activations => Interlocked.Read(ref _activations);

    /// <summary>
    /// Takes a local slot for <paramref name="trial"/> if active trials plus pending reservations leave one free.
    /// Several placements are decided before any of their activations runs (an experiment starts n_workers trials at
    /// once); without reservations they would all see the same free slot.
    /// </summary>
    internal bool TryReserve(GrainId trial, int slots)
    {
        long now = Environment.TickCount64;
        lock (_gate)
        {
            foreach (var id in _reserved.Where(kv => kv.Value <= now).Select(kv => kv.Key).ToList())
            {
                _reserved.Remove(id);
            }
            if (_reserved.ContainsKey(trial) || ActiveTrials + _reserved.Count < slots)
            {
                _reserved[trial] = now + (long)ReservationTimeout.TotalMilliseconds;
                return true;
            }
            return false;
        }
    }

    internal void Activated(GrainId trial)
    {
        lock (_gate)
        {
            _reserved.Remove(trial);
            Interlocked.Increment(ref _activeTrials);
        }
        Interlocked.Increment(ref _activations);
    }

    internal void Deactivated() => Interlocked.Decrement(ref _activeTrials);
}
