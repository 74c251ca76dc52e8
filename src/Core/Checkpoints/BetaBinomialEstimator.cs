namespace OrleansHpo.Core.Checkpoints;

/// <summary>
/// Estimates p = P(X = 1) of a Bernoulli variable with a Beta prior (conjugate to the binomial likelihood), given by its
/// mean a / (a + b) and effective sample size a + b. The estimate is the posterior mean (a + ones) / (a + b + total).
/// Model as described for Syne Tune's speculative checkpoint removal (Syne Tune's checkpoint_removal_callback, speculative policy); written from that description.
/// </summary>
public sealed class BetaBinomialEstimator
{
    private readonly double _priorA;
    private readonly double _priorSize;

    /// <param name="priorMean">Prior mean a / (a + b), in (0, 1).</param>
    /// <param name="priorSize">Prior sample size a + b, &gt; 0.</param>
    /// <param name="ones">Observed ones so far (restoring a persisted estimator).</param>
    /// <param name="total">Observations so far.</param>
    public BetaBinomialEstimator(double priorMean, double priorSize, long ones = 0, long total = 0)
    {
        if (!(priorMean > 0 && priorMean < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(priorMean), priorMean, "prior mean must lie in (0, 1)");
        }
        if (!(priorSize > 0) || double.IsInfinity(priorSize))
        {
            throw new ArgumentOutOfRangeException(nameof(priorSize), priorSize, "prior size must be a positive number");
        }
        if (ones < 0 || total < ones)
        {
            throw new ArgumentOutOfRangeException(nameof(ones), ones, "need 0 <= ones <= total");
        }
        _priorA = priorMean * priorSize;
        _priorSize = priorSize;
        Ones = ones;
        Total = total;
    }

    /// <summary>Observations equal to 1.</summary>
    public long Ones { get; private set; }

    /// <summary>All observations.</summary>
    public long Total { get; private set; }

    /// <summary>Adds <paramref name="total"/> observations of which <paramref name="ones"/> are 1.</summary>
    public void Update(int ones, int total)
    {
        if (ones < 0 || total < ones)
        {
            throw new ArgumentOutOfRangeException(nameof(ones), ones, "need 0 <= ones <= total");
        }
        Ones += ones;
        Total += total;
    }

    /// <summary>Posterior mean of p; always strictly inside (0, 1).</summary>
    public double PosteriorMean => (_priorA + Ones) / (_priorSize + Total);
}
