using FsCheck.Xunit;
using OrleansHpo.Core.Scheduling;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Tests.Scheduling;

/// <summary>
/// Property tests on <see cref="AsyncRung"/>. Each int in <c>ops</c> is one event: a multiple of 3 asks the rung for a
/// promotion, anything else adds a new trial whose value is the int mod 20 (small range, so ties are frequent).
/// </summary>
public class AsyncRungProperties
{
    private static readonly double[] Quantiles = [1.0 / 2, 1.0 / 3, 1.0 / 4, 2.0 / 3, 0.1, 1.0];

    private static double Q(byte sel) => Quantiles[sel % Quantiles.Length];

    /// <summary>numpy.quantile(values, q), method "linear", written the textbook way (reference for the rung's own code).</summary>
    private static double ReferenceQuantile(IEnumerable<double> values, double q)
    {
        var x = values.OrderBy(v => v).ToArray();
        var h = (x.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, x.Length - 1);
        return x[lo] + (h - lo) * (x[hi] - x[lo]);
    }

    [Property(MaxTest = 200)]
    public bool ATrialIsPromotedAtMostOnce(int[] ops, byte qSel, bool max)
    {
        var rung = new AsyncRung(1, Q(qSel), max ? Mode.Max : Mode.Min);
        var promoted = new List<int>();
        var nextId = 0;
        foreach (var op in ops)
        {
            if (op % 3 == 0)
            {
                if (rung.TryPromote() is { } id)
                {
                    promoted.Add(id);
                }
            }
            else
            {
                rung.Add(nextId++, Math.Abs(op % 20));
            }
        }
        // drain
        while (rung.TryPromote() is { } id)
        {
            promoted.Add(id);
        }
        return promoted.Distinct().Count() == promoted.Count
            && promoted.All(id => rung.Entries.Single(e => e.TrialId == id).Promoted)
            && rung.Entries.Count(e => e.Promoted) == promoted.Count;
    }

    [Property(MaxTest = 200)]
    public bool OnlyTrialsWithinTheCutoffArePromoted(int[] ops, byte qSel)
    {
        var q = Q(qSel);
        var rung = new AsyncRung(1, q, Mode.Min);
        var nextId = 0;
        foreach (var op in ops.Append(0))
        {
            if (op % 3 == 0)
            {
                var values = rung.Entries.Select(e => e.Value).ToArray();
                var id = rung.TryPromote();
                if (id is null)
                {
                    continue;
                }
                var cutoff = ReferenceQuantile(values, q);
                var value = rung.Entries.Single(e => e.TrialId == id).Value;
                // promoted value <= cutoff, and it was the best entry not yet promoted
                if (values.Length < 2 || value > cutoff + 1e-9)
                {
                    return false;
                }
                if (rung.Entries.Any(e => !e.Promoted && e.Value < value))
                {
                    return false;
                }
            }
            else
            {
                rung.Add(nextId++, Math.Abs(op % 20));
            }
        }
        return true;
    }

    [Property(MaxTest = 200)]
    public bool PromotionCountWithDistinctValuesIsFloorNMinus1QPlus1(byte n, byte qSel)
    {
        var count = 2 + n % 30;
        var q = Q(qSel);
        var rung = new AsyncRung(1, q, Mode.Min);
        for (var i = 0; i < count; i++)
        {
            rung.Add(i, (i * 37) % 101); // distinct
        }
        var promoted = 0;
        while (rung.TryPromote() is not null)
        {
            promoted++;
        }
        return promoted == Math.Min(count, (int)Math.Floor((count - 1) * q) + 1);
    }

    [Property(MaxTest = 200)]
    public bool StoppingNeverStopsATrialWithinTheCutoff(int[] values, byte qSel, bool max)
    {
        var q = Q(qSel);
        var mode = max ? Mode.Max : Mode.Min;
        var rung = new AsyncRung(1, q, mode);
        for (var i = 0; i < values.Length; i++)
        {
            double v = values[i] % 50;
            var continues = rung.OnResultStopping(i, v);
            var all = rung.Entries.Select(e => e.Value).ToArray();
            if (all.Length < 2)
            {
                if (!continues)
                {
                    return false;
                }
                continue;
            }
            var cutoff = ReferenceQuantile(all, max ? 1 - q : q);
            var clearlyWithin = max ? v > cutoff + 1e-9 : v < cutoff - 1e-9;
            var clearlyOutside = max ? v < cutoff - 1e-9 : v > cutoff + 1e-9;
            if ((clearlyWithin && !continues) || (clearlyOutside && continues))
            {
                return false;
            }
            // the rung's own cutoff: a continuing trial is within it, a stopped one is not
            var own = rung.Cutoff()!.Value;
            if (continues != (max ? v >= own : v <= own))
            {
                return false;
            }
        }
        return true;
    }
}
