namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// Bracket distribution of asynchronous Hyperband (Syne Tune <c>hyperband.py</c>, bracket distribution /
/// <c>_sample_bracket</c>): bracket s has probability proportional to (S+1) / ((S+1-s) * r_s), where the levels are the
/// rung levels followed by max_t (S+1 of them) and r_s = levels[s]. Bracket s skips its first s rungs. This matches the
/// number of trials synchronous Hyperband starts per bracket.
/// </summary>
public sealed class HyperbandBracketSampler
{
    private readonly IReadOnlyList<int> _rungLevels;
    private readonly double[] _probabilities;
    private readonly double[] _cdf;

    /// <summary>Builds the distribution.</summary>
    /// <param name="rungLevels">The rung levels (without max_t).</param>
    /// <param name="maxT">max_t.</param>
    /// <param name="numBrackets">Brackets to use; null = all (rungLevels.Count, at least 1); clamped to rungLevels.Count (at least 1).</param>
    public HyperbandBracketSampler(IReadOnlyList<int> rungLevels, int maxT, int? numBrackets)
    {
        ArgumentNullException.ThrowIfNull(rungLevels);
        if (numBrackets is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numBrackets), numBrackets, "num_brackets must be >= 1");
        }
        _rungLevels = rungLevels.ToArray();
        var maxBrackets = Math.Max(1, rungLevels.Count);
        NumBrackets = Math.Min(numBrackets ?? maxBrackets, maxBrackets);

        var levels = _rungLevels.Append(maxT).ToArray();
        var sMaxPlus1 = levels.Length;
        var weights = new double[NumBrackets];
        for (var s = 0; s < NumBrackets; s++)
        {
            weights[s] = sMaxPlus1 / ((double)(sMaxPlus1 - s) * levels[s]);
        }
        var total = weights.Sum();
        _probabilities = weights.Select(w => w / total).ToArray();
        _cdf = new double[NumBrackets];
        var acc = 0.0;
        for (var s = 0; s < NumBrackets; s++)
        {
            acc += _probabilities[s];
            _cdf[s] = acc;
        }
    }

    /// <summary>Number of brackets sampled from.</summary>
    public int NumBrackets { get; }

    /// <summary>Probability of each bracket (sums to 1).</summary>
    public IReadOnlyList<double> Probabilities => _probabilities;

    /// <summary>
    /// Inverse CDF, as numpy's <c>choice</c>: the smallest s whose cumulative probability exceeds
    /// <paramref name="uniform01"/> (a draw from [0, 1)).
    /// </summary>
    public int Sample(double uniform01)
    {
        for (var s = 0; s < NumBrackets; s++)
        {
            if (uniform01 < _cdf[s])
            {
                return s;
            }
        }
        return NumBrackets - 1;
    }

    /// <summary>The rung levels bracket <paramref name="bracket"/> uses: the rung levels without the first <paramref name="bracket"/>.</summary>
    public IReadOnlyList<int> RungLevelsOf(int bracket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bracket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bracket, NumBrackets);
        return _rungLevels.Skip(bracket).ToArray();
    }
}
