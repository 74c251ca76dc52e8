namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// Rung levels, promotion quantiles and milestones of asynchronous successive halving / Hyperband.
/// Follows Syne Tune's rules in <c>syne_tune/optimizer/schedulers/hyperband.py</c> and
/// <c>utils/successive_halving.py</c> (v0.13).
/// </summary>
public static class RungLevels
{
    /// <summary>
    /// Geometric rung levels <c>int(round(grace * eta^k))</c> for k = 0, 1, ... while the value is &lt; <paramref name="maxT"/>.
    /// <paramref name="maxT"/> itself is never a rung (hyperband.py: reaching max_t ends the trial).
    /// Rounding is Python's <c>round</c>: half to even.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">grace &lt; 1, eta &lt;= 1, or maxT &lt;= grace.</exception>
    public static IReadOnlyList<int> Compute(int gracePeriod, double reductionFactor, int maxT)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, 1);
        if (!(reductionFactor > 1.0) || double.IsInfinity(reductionFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, "reduction factor must be a finite number > 1");
        }
        if (maxT <= gracePeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(maxT), maxT, $"max_t must be greater than grace_period ({gracePeriod})");
        }

        var levels = new List<int>();
        for (var k = 0; ; k++)
        {
            var raw = gracePeriod * Math.Pow(reductionFactor, k);
            if (raw >= maxT + 1.0)
            {
                break; // rounds to >= maxT for sure; also guards against int overflow
            }
            var level = (int)Math.Round(raw, MidpointRounding.ToEven);
            if (level >= maxT)
            {
                break;
            }
            // With eta >= 2 (Syne Tune's usual range) the levels are strictly increasing; for 1 < eta < 2
            // rounding can repeat a level, which we skip so that rungs stay distinct.
            if (levels.Count == 0 || level > levels[^1])
            {
                levels.Add(level);
            }
        }
        return levels;
    }

    /// <summary>
    /// Explicit <c>rung_levels</c> (hyperband.py: override grace/eta): must be positive, strictly increasing and
    /// &lt;= <paramref name="maxT"/>; a last entry equal to <paramref name="maxT"/> is dropped.
    /// </summary>
    /// <exception cref="ArgumentException">The levels violate those rules.</exception>
    public static IReadOnlyList<int> FromExplicit(IReadOnlyList<int> levels, int maxT)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxT, 1);
        for (var i = 0; i < levels.Count; i++)
        {
            if (levels[i] < 1)
            {
                throw new ArgumentException($"rung level {levels[i]} must be a positive integer", nameof(levels));
            }
            if (i > 0 && levels[i] <= levels[i - 1])
            {
                throw new ArgumentException("rung levels must be strictly increasing", nameof(levels));
            }
            if (levels[i] > maxT)
            {
                throw new ArgumentException($"rung level {levels[i]} exceeds max_t = {maxT}", nameof(levels));
            }
        }
        var count = levels.Count > 0 && levels[^1] == maxT ? levels.Count - 1 : levels.Count;
        return levels.Take(count).ToArray();
    }

    /// <summary>
    /// Promotion quantile of rung <paramref name="index"/>: <c>q_j = r_j / r_(j+1)</c>, with r after the last rung = max_t
    /// (hyperband.py, <c>promote_quantiles</c>).
    /// </summary>
    public static double Quantile(IReadOnlyList<int> levels, int index, int maxT)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, levels.Count);
        var next = index + 1 < levels.Count ? levels[index + 1] : maxT;
        return (double)levels[index] / next;
    }

    /// <summary>
    /// The milestone after <paramref name="level"/>: the smallest rung level greater than it, or
    /// <paramref name="maxT"/> after the last rung. For level 0 (a new trial) this is the first rung.
    /// </summary>
    public static int NextMilestone(IReadOnlyList<int> levels, int level, int maxT)
    {
        ArgumentNullException.ThrowIfNull(levels);
        foreach (var l in levels)
        {
            if (l > level)
            {
                return l;
            }
        }
        return maxT;
    }
}
