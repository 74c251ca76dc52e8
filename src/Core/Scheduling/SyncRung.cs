using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// One rung of synchronous successive halving / synchronous Hyperband (Syne Tune's
/// <c>optimizer/schedulers/synchronous/hyperband_bracket.py</c>): it fills up to <see cref="Capacity"/> results, and
/// only when completely filled promotes the top <see cref="NumPromote"/> (the size of the next rung), one at a time.
/// Ranking is a stable sort by value per mode: earlier arrival wins ties, NaN (failed trials) rank last.
/// </summary>
public sealed class SyncRung
{
    private readonly List<RungEntry> _entries = [];
    private readonly HashSet<int> _ids = [];
    private long _nextArrival;
    private int _promoted;

    /// <summary>Creates an empty rung.</summary>
    /// <param name="level">Rung level (resource).</param>
    /// <param name="capacity">Number of results the rung needs before promoting (its size).</param>
    /// <param name="numPromote">How many trials it promotes (the next rung's size; 0 for the last rung).</param>
    /// <param name="mode">Minimize or maximize.</param>
    public SyncRung(int level, int capacity, int numPromote, Mode mode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(numPromote);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numPromote, capacity);
        Level = level;
        Capacity = capacity;
        NumPromote = numPromote;
        Mode = mode;
    }

    /// <summary>Rebuilds a rung from persisted entries (any order; Promoted flags are kept). Later duplicates of a trial id are ignored.</summary>
    public static SyncRung Restore(int level, int capacity, int numPromote, Mode mode, IEnumerable<RungEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rung = new SyncRung(level, capacity, numPromote, mode);
        foreach (var e in entries.OrderBy(e => e.Arrival))
        {
            if (!rung._ids.Add(e.TrialId))
            {
                continue;
            }
            if (rung._entries.Count >= capacity)
            {
                throw new ArgumentException($"more than {capacity} entries for rung level {level}", nameof(entries));
            }
            rung._entries.Add(e);
            rung._nextArrival = Math.Max(rung._nextArrival, e.Arrival + 1);
            if (e.Promoted)
            {
                rung._promoted++;
            }
        }
        if (rung._promoted > numPromote)
        {
            throw new ArgumentException($"more than {numPromote} promoted entries for rung level {level}", nameof(entries));
        }
        return rung;
    }

    /// <summary>The rung level.</summary>
    public int Level { get; }

    /// <summary>Results needed before the rung promotes.</summary>
    public int Capacity { get; }

    /// <summary>Number of trials promoted once full.</summary>
    public int NumPromote { get; }

    /// <summary>Minimize or maximize.</summary>
    public Mode Mode { get; }

    /// <summary>Entries in arrival order.</summary>
    public IReadOnlyList<RungEntry> Entries => _entries;

    /// <summary>True once <see cref="Capacity"/> results are recorded.</summary>
    public bool IsFull => _entries.Count >= Capacity;

    /// <summary>Promotions not yet handed out (NumPromote minus those already made).</summary>
    public int PromotionsLeft => NumPromote - _promoted;

    /// <summary>Records a result; re-adding a trial id already present is ignored.</summary>
    /// <exception cref="InvalidOperationException">The rung is already full and the trial is new.</exception>
    public void Add(int trialId, double value)
    {
        if (_ids.Contains(trialId))
        {
            return;
        }
        if (IsFull)
        {
            throw new InvalidOperationException($"rung level {Level} is full ({Capacity} entries); cannot add trial {trialId}");
        }
        _ids.Add(trialId);
        _entries.Add(new RungEntry(trialId, value, false, _nextArrival++));
    }

    /// <summary>
    /// Null until the rung is full; then the best of the top <see cref="NumPromote"/> not yet promoted, marked promoted;
    /// null once all promotions are handed out.
    /// </summary>
    public int? TryPromote()
    {
        if (!IsFull || PromotionsLeft <= 0)
        {
            return null;
        }
        var order = EntryOrder.For(Mode);
        var top = _entries.Order(order).Take(NumPromote);
        foreach (var e in top)
        {
            if (e.Promoted)
            {
                continue;
            }
            var index = _entries.IndexOf(e);
            _entries[index] = e with { Promoted = true };
            _promoted++;
            return e.TrialId;
        }
        return null;
    }
}
