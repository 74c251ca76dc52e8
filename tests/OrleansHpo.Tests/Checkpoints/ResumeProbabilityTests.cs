using OrleansHpo.Core.Checkpoints;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>The speculative score's probability against hand-worked values and a Monte Carlo of the same model.</summary>
public sealed class ResumeProbabilityTests
{
    private const double OneThird = 1.0 / 3.0;

    [Fact]
    public void Hand_worked_one_block()
    {
        // k = 2, n = 3, alpha = 1/3: c = 1, l_0 = 3. beta = 1: n' = 3, only block 0 fits.
        // Resumed iff none of the 3 arrivals is better: 0.5^3.
        Assert.Equal(0.125, ResumeProbability.Compute(2, 3, OneThird, 0.5, 1.0, 25), 12);
    }

    [Fact]
    public void Hand_worked_two_and_three_blocks()
    {
        // l = 3, 6, 9. beta = 2 (n' = 6): P = P(J3 = 0) + P(J3 = 1) P(X1 = 0) = 1/8 + 3/8 * 1/8 = 11/64.
        Assert.Equal(11.0 / 64, ResumeProbability.Compute(2, 3, OneThird, 0.5, 2.0, 25), 12);
        // beta = 3 (n' = 9): + P(first passage at block 2) = q_(2,0) * m_(1,2), m_(1,2) = 3/8 * 3/8 + 3/8 * 1/8 = 3/16,
        // so P = 1/8 + 3/64 + 1/8 * 3/16 = 25/128.
        Assert.Equal(25.0 / 128, ResumeProbability.Compute(2, 3, OneThird, 0.5, 3.0, 25), 12);
    }

    [Theory]
    [InlineData(1, 3, OneThird)]   // c = 0
    [InlineData(1, 10, OneThird)]  // c < 0
    [InlineData(3, 9, OneThird)]   // c = 0 exactly
    [InlineData(4, 4, 1.0)]        // alpha = 1
    public void Promotable_now_means_probability_one(int rank, int n, double alpha)
    {
        Assert.Equal(1.0, ResumeProbability.Compute(rank, n, alpha, 0.9, 1e-6, 25));
    }

    [Fact]
    public void Horizon_shorter_than_the_first_block_gives_zero()
    {
        // c = 2, l_0 = 6, but n' = ceil(3 * 0.1) = 1. (Syne Tune would still add q_(0,0) here; see ResumeProbability.)
        Assert.Equal(0.0, ResumeProbability.Compute(3, 3, OneThird, 0.3, 0.1, 25));
    }

    [Fact]
    public void Longer_horizon_never_lowers_the_probability_and_saturates()
    {
        double previous = 0;
        foreach (var beta in new[] { 0.01, 0.5, 1, 1.5, 2, 3, 5, 10, 100, 1e4 })
        {
            double p = ResumeProbability.Compute(6, 12, OneThird, 0.3, beta, 25);
            Assert.InRange(p, previous - 1e-12, 1.0);
            previous = p;
        }
        Assert.Equal(previous, ResumeProbability.Compute(6, 12, OneThird, 0.3, double.PositiveInfinity, 25), 12);
    }

    [Fact]
    public void More_steps_never_lower_the_probability()
    {
        double coarse = ResumeProbability.Compute(6, 12, OneThird, 0.3, 50, 1);
        double fine = ResumeProbability.Compute(6, 12, OneThird, 0.3, 50, 25);
        Assert.True(coarse <= fine + 1e-12, $"{coarse} > {fine}");
        Assert.True(coarse < fine, "the truncated programme should miss late promotions here");
    }

    [Fact]
    public void Better_rank_and_smaller_p_mean_more_likely_resumed()
    {
        Assert.True(ResumeProbability.Compute(5, 12, OneThird, 0.3, 2, 25) > ResumeProbability.Compute(7, 12, OneThird, 0.3, 2, 25));
        Assert.True(ResumeProbability.Compute(6, 12, OneThird, 0.2, 2, 25) > ResumeProbability.Compute(6, 12, OneThird, 0.4, 2, 25));
    }

    /// <summary>
    /// Monte Carlo of the model itself: n' arrivals, each better with probability p; resumed iff at some m &lt;= n',
    /// k + J(m) &lt;= alpha (n + m). 200,000 runs with seed 20260501: the standard error is at most 0.0012, the tolerance
    /// 0.006 (5 standard errors). The cases keep every reachable step within R = 25, so the programme is exact.
    /// </summary>
    [Theory]
    [InlineData(5, 10, OneThird, 0.30, 2.0)]
    [InlineData(8, 12, OneThird, 0.33, 1.5)]
    [InlineData(4, 6, 0.5, 0.45, 3.0)]
    [InlineData(12, 20, OneThird, 0.20, 1.0)]
    [InlineData(3, 4, 0.25, 0.3, 4.0)]
    public void Matches_Monte_Carlo(int rank, int n, double alpha, double p, double beta)
    {
        double exact = ResumeProbability.Compute(rank, n, alpha, p, beta, 25);
        int horizon = (int)Math.Ceiling(n * beta);
        var random = new Random(20260501);
        const int runs = 200_000;
        int resumed = 0;
        for (int run = 0; run < runs; run++)
        {
            int better = 0;
            for (int m = 1; m <= horizon; m++)
            {
                if (random.NextDouble() < p)
                {
                    better++;
                }
                if (rank + better <= alpha * (n + m) + 1e-9)
                {
                    resumed++;
                    break;
                }
            }
        }
        double estimate = resumed / (double)runs;
        Assert.True(Math.Abs(exact - estimate) <= 0.006, $"programme {exact:F4}, Monte Carlo {estimate:F4}");
        Assert.InRange(exact, 0.01, 0.99); // a case that tests something
    }

    [Fact]
    public void Time_ratio_is_floored_like_syne_tune()
    {
        Assert.Equal(1.0, ResumeProbability.TimeRatio(50, 100), 12);
        Assert.Equal(1e-3 / 100, ResumeProbability.TimeRatio(100, 100), 12);
        Assert.Equal(100 / 1e-3, ResumeProbability.TimeRatio(0, 100), 6);
    }
}
