using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// A rung as the experiment sees it, whatever its kind: the decision at its level (stopping: continue or stop;
/// promotion and synchronous: record and pause), the next promotion, a failed trial of a synchronous rung. One copy
/// for the rung grain and the simulator; the rules are <see cref="AsyncRung"/>'s and <see cref="SyncRung"/>'s.
/// </summary>
public sealed class Rung
{
    private readonly AsyncRung? _async;
    private readonly SyncRung? _sync;

    private Rung(AsyncRung? async, SyncRung? sync)
    {
        _async = async;
        _sync = sync;
    }

    /// <summary>A rung of <paramref name="config"/> holding <paramref name="entries"/> (none for a new rung).</summary>
    public static Rung Restore(RungConfig config, IEnumerable<RungEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Kind == RungKind.Synchronous
            ? new Rung(null, SyncRung.Restore(config.Level, config.Capacity, config.NumPromote, config.Mode, entries))
            : new Rung(AsyncRung.Restore(config.Level, config.Quantile, config.Mode, entries), null);
    }

    /// <summary>Every trial that reached the level, in the rung's order.</summary>
    public IReadOnlyList<RungEntry> Entries => _async?.Entries ?? _sync!.Entries;

    /// <summary>
    /// A trial reached the level with <paramref name="value"/>. Stopping rungs: continue iff the value is within the
    /// cutoff (hyperband_stopping.py); promotion and synchronous rungs record it and the trial pauses.
    /// </summary>
    public TrialDecision OnResult(RungKind kind, int trialId, double value)
    {
        if (kind == RungKind.Stopping)
        {
            return _async!.OnResultStopping(trialId, value) ? TrialDecision.Continue : TrialDecision.Stop;
        }
        if (_async is not null)
        {
            _async.Add(trialId, value);
        }
        else
        {
            _sync!.Add(trialId, value);
        }
        return TrialDecision.Pause;
    }

    /// <summary>The trial to promote now, marked promoted; null if none (stopping rungs never promote).</summary>
    public int? TryPromote(RungKind kind) => kind switch
    {
        RungKind.Promotion => _async!.TryPromote(),
        RungKind.Synchronous => _sync!.TryPromote(),
        _ => null,
    };

    /// <summary>A trial of a synchronous rung failed before reaching it: it takes its place as the worst result.</summary>
    /// <returns>True if the rung changed.</returns>
    public bool OnTrialFailed(int trialId)
    {
        if (_sync is null)
        {
            return false;
        }
        _sync.Add(trialId, _sync.Mode == Mode.Min ? double.PositiveInfinity : double.NegativeInfinity);
        return true;
    }
}
