namespace OrleansHpo.Core.Checkpoints;

/// <summary>
/// Probability that a trial paused in a promotion-type rung is resumed before the experiment ends, under the
/// independence model of Syne Tune's speculative checkpoint removal (the mathematics is restated in
/// shared/notes/checkpoint-removal-score.md, and this is an independent implementation of that note).
/// </summary>
/// <remarks>
/// <para>Inputs: rank k (1 = best, promoted entries count), rung length n, promotion quantile alpha, probability p that
/// a new arrival beats the trial, and beta = time left / time spent. n' = ceil(n * beta) more arrivals are expected;
/// after m arrivals of which J are better the trial is promotable iff k + J &lt;= alpha * (n + m).</para>
/// <para>With c = k - alpha * n: c &lt;= 0 means promotable now (probability 1). Otherwise the trial is resumed iff for
/// some i, l_i = ceil((c + i) / alpha) &lt;= n' and J(l_i) &lt;= i. Blocks of arrivals (l_(i-1), l_i] have binomial
/// counts of better arrivals; a first-passage dynamic programme over i = 0..R (R = approx_steps) sums the
/// probabilities, in O(R^3).</para>
/// <para>Differences from Syne Tune v0.13, on purpose: the horizon applies to i = 0 too (Syne Tune adds q_(0,0) even
/// when l_0 &gt; n'); R is truncated per trial to its own reachable steps (Syne Tune truncates to the batch maximum,
/// which gives the same values since unreachable steps contribute 0), so a score never depends on the other trials
/// of a batch and a batch where every c &lt;= 0 is just a batch of ones (Syne Tune crashes on it).</para>
/// </remarks>
public static class ResumeProbability
{
    /// <summary>The floor Syne Tune applies to both times in beta = max(T - t, 1e-3) / max(t, 1e-3).</summary>
    public const double MinTime = 1e-3;

    /// <summary>Rounding slack: quantiles such as 1/3 are inexact, and k - alpha * n or (c + i) / alpha must not tip over an integer.</summary>
    private const double Epsilon = 1e-9;

    /// <summary>beta = max(total - spent, 1e-3) / max(spent, 1e-3): budget left per budget spent (time or trials).</summary>
    public static double TimeRatio(double spent, double total) =>
        Math.Max(total - spent, MinTime) / Math.Max(spent, MinTime);

    /// <summary>P(resumed before the end) for one paused trial. Deterministic; never throws for finite inputs.</summary>
    /// <param name="rank">Rank in the rung, 1 = best.</param>
    /// <param name="rungLength">Entries in the rung (n &gt;= rank).</param>
    /// <param name="quantile">The rung's promotion quantile alpha = r_j / r_(j+1).</param>
    /// <param name="p">Probability that a new arrival at the rung is at least as good.</param>
    /// <param name="timeRatio">beta = time left / time spent (may be +infinity: no horizon).</param>
    /// <param name="approxSteps">R, the number of approximation steps (&gt;= 1).</param>
    public static double Compute(int rank, int rungLength, double quantile, double p, double timeRatio, int approxSteps)
    {
        double c = rank - quantile * rungLength;
        if (c <= Epsilon * rank)
        {
            return 1.0; // promotable already: it will be resumed as soon as a worker asks this rung
        }
        if (!(quantile > 0) || !(timeRatio > 0) || double.IsNaN(p))
        {
            return 0.0;
        }
        p = Math.Clamp(p, 0.0, 1.0);
        approxSteps = Math.Max(1, approxSteps);
        double horizon = Math.Ceiling(rungLength * timeRatio); // n'

        // l_i for i = 0..R, R truncated to the steps reachable within the horizon (at least 1).
        double First(int i) => Math.Ceiling((c + i) / quantile - Epsilon);
        if (First(0) > horizon)
        {
            return 0.0; // not even the first block of arrivals fits before the end
        }
        int reachable = 1;
        while (reachable <= approxSteps && First(reachable) <= horizon)
        {
            reachable++;
        }
        int steps = Math.Clamp(reachable - 1, 1, approxSteps); // R
        Span<double> l = stackalloc double[steps + 1];
        for (int i = 0; i <= steps; i++)
        {
            l[i] = First(i);
        }

        // q[i, j] = P(Binomial(l_i - l_(i-1), p) = j), j = 0..R, with l_(-1) = 0.
        var q = new double[(steps + 1) * (steps + 1)];
        for (int i = 0; i <= steps; i++)
        {
            double blockSize = i == 0 ? l[0] : l[i] - l[i - 1];
            BinomialPmf(blockSize, p, q.AsSpan(i * (steps + 1), steps + 1));
        }
        double Q(int i, int j) => q[i * (steps + 1) + j];

        // m_(i, r): probability that after blocks 0..i exactly r arrivals were better and the trial was never
        // promotable (r > i). m_(0, r) = q_(0, r); m_(i, r) = sum_(r' = i..r) q_(i, r - r') m_(i-1, r').
        // P = q_(0, 0) + sum_(i >= 1, l_i <= n') q_(i, 0) m_(i-1, i).
        Span<double> previous = stackalloc double[steps + 1];
        Span<double> current = stackalloc double[steps + 1];
        for (int r = 1; r <= steps; r++)
        {
            previous[r] = Q(0, r);
        }
        double probability = Q(0, 0);
        for (int i = 1; i <= steps; i++)
        {
            if (l[i] > horizon)
            {
                break; // later blocks end even later: nothing more can happen before the end
            }
            probability += Q(i, 0) * previous[i];
            current.Clear();
            for (int r = i + 1; r <= steps; r++)
            {
                double sum = 0;
                for (int rp = i; rp <= r; rp++)
                {
                    sum += Q(i, r - rp) * previous[rp];
                }
                current[r] = sum;
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return Math.Clamp(probability, 0.0, 1.0);
    }

    /// <summary>P(Binomial(n, p) = j) for j = 0..destination.Length-1, computed in log space (no under- or overflow).</summary>
    internal static void BinomialPmf(double n, double p, Span<double> destination)
    {
        destination.Clear();
        if (n <= 0 || p <= 0)
        {
            destination[0] = 1.0;
            return;
        }
        if (p >= 1)
        {
            if (n < destination.Length)
            {
                destination[(int)n] = 1.0;
            }
            return;
        }
        double logP = Math.Log(p);
        double logQ = Math.Log(1 - p);
        double log = n * logQ; // j = 0
        for (int j = 0; j < destination.Length && j <= n; j++)
        {
            destination[j] = Math.Exp(log);
            log += Math.Log(n - j) - Math.Log(j + 1) + logP - logQ;
        }
    }
}
