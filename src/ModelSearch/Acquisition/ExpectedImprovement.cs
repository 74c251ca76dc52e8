namespace OrleansHpo.ModelSearch.Acquisition;

/// <summary>
/// Expected improvement for minimization, as Syne Tune's <c>EIAcquisitionFunction</c>
/// (<c>bayesopt/models/meanstd_acqfunc_impl.py</c>, v0.13): u = (best - mean - jitter) / std,
/// EI = std (u Phi(u) + phi(u)), std floored at 1e-10, jitter 0.01; averaged over fantasy samples.
/// </summary>
public static class ExpectedImprovement
{
    public const double DefaultJitter = 0.01;

    public static double Value(double mean, double std, double best, double jitter = DefaultJitter)
    {
        std = Math.Max(std, 1e-10);
        var u = (best - mean - jitter) / std;
        var phi = Math.Exp(-0.5 * u * u) / Math.Sqrt(2 * Math.PI);
        var cdf = 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-u / Math.Sqrt(2));
        return std * ((u * cdf) + phi);
    }

    /// <summary>Mean EI over samples: means[s] and bests[s] per fantasy sample, one shared std.</summary>
    public static double Average(ReadOnlySpan<double> means, double std, ReadOnlySpan<double> bests, double jitter = DefaultJitter)
    {
        var sum = 0.0;
        for (var s = 0; s < means.Length; s++)
        {
            sum += Value(means[s], std, bests[s], jitter);
        }
        return sum / means.Length;
    }
}
