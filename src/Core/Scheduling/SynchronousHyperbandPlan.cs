namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// The rung sizes and levels of synchronous Hyperband, following Syne Tune's
/// <c>optimizer/schedulers/synchronous/hyperband_rung_system.py</c> (<c>SynchronousHyperbandRungSystem.geometric</c>):
/// s_max is the smallest s with rMin * eta^s &gt;= max_t; bracket b (0..s_max) has s_max - b + 1 rungs; rung k has level
/// round(rMin * eta^(k+b)) (the last rung's level is max_t) and size ceil((s_max + 1) / (s_max - b + 1) * eta^(s_max - b - k)).
/// Brackets cycle (<c>hyperband_bracket_manager.py</c>: bracket id i uses offset i % num_brackets).
/// </summary>
public sealed class SynchronousHyperbandPlan
{
    private readonly SyncRungPlan[][] _brackets;

    /// <summary>Builds the plan.</summary>
    /// <param name="minResource">r_min, the lowest rung level (&gt;= 1).</param>
    /// <param name="reductionFactor">eta (&gt; 1; Syne Tune requires &gt;= 2).</param>
    /// <param name="maxT">max_t, the level of every bracket's last rung.</param>
    /// <param name="numBrackets">Brackets to cycle; null = all s_max + 1; larger values are clamped to s_max + 1;
    /// 1 = synchronous successive halving (bracket 0 only).</param>
    public SynchronousHyperbandPlan(int minResource, double reductionFactor, int maxT, int? numBrackets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minResource, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxT, 1);
        if (!(reductionFactor > 1.0) || double.IsInfinity(reductionFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, "reduction factor must be a finite number > 1");
        }
        if (numBrackets is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numBrackets), numBrackets, "num_brackets must be >= 1");
        }

        // Syne Tune computes s_max = ceil(log(max_t / r_min) / log(eta)); we count multiplications instead, which is the
        // same rule without the floating-point risk of a log ratio landing just above an integer.
        var sMax = 0;
        for (var r = (double)minResource; r < maxT; r *= reductionFactor)
        {
            sMax++;
        }
        SMax = sMax;
        NumBrackets = Math.Min(numBrackets ?? sMax + 1, sMax + 1);

        _brackets = new SyncRungPlan[NumBrackets][];
        for (var b = 0; b < NumBrackets; b++)
        {
            var rNumMinus1 = sMax - b;
            var preFact = (double)(sMax + 1) / (rNumMinus1 + 1);
            var rungs = new SyncRungPlan[rNumMinus1 + 1];
            for (var k = 0; k < rNumMinus1; k++)
            {
                var level = (int)Math.Round(minResource * Math.Pow(reductionFactor, k + b), MidpointRounding.ToEven);
                var size = (int)Math.Ceiling(preFact * Math.Pow(reductionFactor, rNumMinus1 - k));
                rungs[k] = new SyncRungPlan(level, size);
            }
            rungs[rNumMinus1] = new SyncRungPlan(maxT, (int)Math.Ceiling(preFact));
            _brackets[b] = rungs;
        }
    }

    /// <summary>s_max: the largest bracket has s_max + 1 rungs.</summary>
    public int SMax { get; }

    /// <summary>Number of brackets cycled.</summary>
    public int NumBrackets { get; }

    /// <summary>The rungs of bracket <paramref name="bracketIndex"/> (0..NumBrackets-1), lowest level first.</summary>
    public IReadOnlyList<SyncRungPlan> Bracket(int bracketIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bracketIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bracketIndex, NumBrackets);
        return _brackets[bracketIndex];
    }

    /// <summary>Bracket instance i (0, 1, 2, ...) uses bracket index i % NumBrackets: brackets cycle.</summary>
    public int BracketIndexOfInstance(int instance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(instance);
        return instance % NumBrackets;
    }
}
