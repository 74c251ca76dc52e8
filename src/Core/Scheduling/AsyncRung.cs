using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// One rung of asynchronous successive halving (ASHA, both the stopping and the promotion type) and of asynchronous
/// Hyperband. Follows Syne Tune's <c>hyperband_stopping.py</c> (StoppingRungSystem) and <c>hyperband_promotion.py</c>
/// (PromotionRungSystem), v0.13: every trial that ever reached the level is kept (entries are never removed), sorted
/// best first; ties rank the earlier arrival first.
/// </summary>
/// <remarks>
/// Not thread-safe; meant to live inside a single-threaded grain. NaN values behave as in numpy: they sort last, and
/// while one is recorded the cutoff is NaN, so no comparison against it succeeds.
/// </remarks>
public sealed class AsyncRung
{
    private readonly List<RungEntry> _entries = [];
    private readonly Dictionary<int, RungEntry> _byTrial = [];
    private readonly EntryOrder _order;
    private long _nextArrival;
    private int _nanCount;

    /// <summary>Creates an empty rung.</summary>
    /// <param name="level">The rung level (resource, e.g. epoch).</param>
    /// <param name="quantile">Promotion quantile q in (0, 1], usually <see cref="RungLevels.Quantile"/>.</param>
    /// <param name="mode">Whether the metric is minimized or maximized.</param>
    public AsyncRung(int level, double quantile, Mode mode)
    {
        if (!(quantile >= 0.0 && quantile <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "quantile must lie in [0, 1]");
        }
        Level = level;
        Quantile = quantile;
        Mode = mode;
        _order = EntryOrder.For(mode);
    }

    /// <summary>Rebuilds a rung from persisted entries (any order). Later duplicates of a trial id are ignored.</summary>
    public static AsyncRung Restore(int level, double quantile, Mode mode, IEnumerable<RungEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rung = new AsyncRung(level, quantile, mode);
        foreach (var e in entries.OrderBy(e => e.Arrival))
        {
            if (rung._byTrial.ContainsKey(e.TrialId))
            {
                continue;
            }
            rung.Insert(e);
            rung._nextArrival = Math.Max(rung._nextArrival, e.Arrival + 1);
        }
        return rung;
    }

    /// <summary>The rung level.</summary>
    public int Level { get; }

    /// <summary>The promotion quantile q (for mode max the cutoff uses 1 - q).</summary>
    public double Quantile { get; }

    /// <summary>Minimize or maximize.</summary>
    public Mode Mode { get; }

    /// <summary>All entries, best first (ties: earlier arrival first).</summary>
    public IReadOnlyList<RungEntry> Entries => _entries;

    /// <summary>Number of trials recorded at this rung.</summary>
    public int Count => _entries.Count;

    /// <summary>Whether the trial has a record at this rung.</summary>
    public bool Contains(int trialId) => _byTrial.ContainsKey(trialId);

    /// <summary>
    /// Records the trial's value at this rung (not promoted). Re-adding a trial id already present is ignored, so the
    /// call is idempotent (Syne Tune asserts it never happens; a grain may replay a report).
    /// </summary>
    public void Add(int trialId, double value)
    {
        if (_byTrial.ContainsKey(trialId))
        {
            return;
        }
        Insert(new RungEntry(trialId, value, false, _nextArrival++));
    }

    /// <summary>
    /// <c>quantile_cutoff</c> of hyperband_stopping.py: numpy's linear-interpolation quantile of the recorded values at
    /// q (mode min) or 1 - q (mode max); null with fewer than 2 entries.
    /// </summary>
    public double? Cutoff()
    {
        if (_entries.Count < 2)
        {
            return null;
        }
        var q = Mode == Mode.Min ? Quantile : 1.0 - Quantile;
        if (_nanCount > 0)
        {
            return double.NaN;
        }
        // Entries are kept best first (ascending for min, descending for max), so the quantile is read in place.
        int n = _entries.Count;
        return Mode == Mode.Min
            ? NumpyQuantile.LinearSorted(n, i => _entries[i].Value, q)
            : NumpyQuantile.LinearSorted(n, i => _entries[n - 1 - i].Value, q);
    }

    /// <summary>
    /// Stopping type (hyperband_stopping.py, <c>_task_continues</c>): the value is entered first, then the trial
    /// continues iff value &lt;= cutoff (min) / &gt;= cutoff (max); with fewer than 2 entries it continues.
    /// If the trial is already recorded, its stored value decides and nothing changes.
    /// </summary>
    /// <returns>True to continue, false to stop.</returns>
    public bool OnResultStopping(int trialId, double value)
    {
        Add(trialId, value);
        var stored = _byTrial[trialId].Value;
        var cutoff = Cutoff();
        if (cutoff is null)
        {
            return true;
        }
        return IsWithin(stored, cutoff.Value);
    }

    /// <summary>
    /// Promotion type (hyperband_promotion.py, <c>_find_promotable_trial</c>): take the best entry not yet promoted;
    /// it is promotable iff value &lt;= cutoff (min) / &gt;= cutoff (max). If so it is marked promoted and its id returned.
    /// </summary>
    /// <returns>The promoted trial id, or null when nothing in this rung may be promoted now.</returns>
    public int? TryPromote()
    {
        var cutoff = Cutoff();
        if (cutoff is null)
        {
            return null;
        }
        for (var i = 0; i < _entries.Count; i++)
        {
            var e = _entries[i];
            if (e.Promoted)
            {
                continue;
            }
            if (!IsWithin(e.Value, cutoff.Value))
            {
                return null;
            }
            var promoted = e with { Promoted = true };
            _entries[i] = promoted;
            _byTrial[e.TrialId] = promoted;
            return e.TrialId;
        }
        return null;
    }

    private bool IsWithin(double value, double cutoff) => Mode == Mode.Min ? value <= cutoff : value >= cutoff;

    private void Insert(RungEntry entry)
    {
        var index = _entries.BinarySearch(entry, _order);
        _entries.Insert(index < 0 ? ~index : index, entry);
        _byTrial[entry.TrialId] = entry;
        if (double.IsNaN(entry.Value))
        {
            _nanCount++;
        }
    }
}
