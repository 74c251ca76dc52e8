namespace OrleansHpo.ModelSearch.Gp;

/// <summary>
/// The Matern 5/2 ARD kernel as Syne Tune writes it (<c>bayesopt/gpautograd/kernel/base.py</c>, v0.13):
/// D = 5 sum_k ib_k^2 (x_k - x'_k)^2, B = sqrt(D + 1e-9), k = c (1 + B + D/3) exp(-B), with inverse bandwidths ib_k
/// and covariance scale c.
/// </summary>
public static class Matern52
{
    /// <summary>NUMERICAL_JITTER of <c>gpautograd/constants.py</c>, added under the square root.</summary>
    public const double Jitter = 1e-9;

    /// <summary>Kernel value for inverse bandwidths <paramref name="inverseBandwidths"/> and scale <paramref name="scale"/>.</summary>
    public static double Value(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> inverseBandwidths, double scale)
    {
        var d = ScaledSquaredDistance(a, b, inverseBandwidths);
        var bb = Math.Sqrt(d + Jitter);
        return scale * (1.0 + bb + (d / 3.0)) * Math.Exp(-bb);
    }

    /// <summary>5 sum_k ib_k^2 (a_k - b_k)^2.</summary>
    public static double ScaledSquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> inverseBandwidths)
    {
        var s = 0.0;
        for (var k = 0; k < a.Length; k++)
        {
            var t = (a[k] - b[k]) * inverseBandwidths[k];
            s += t * t;
        }
        return 5.0 * s;
    }

    /// <summary>
    /// Kernel value, and its derivative with respect to D (so that d k / d log ib_k = dk/dD * 10 ib_k^2 (a_k - b_k)^2
    /// and d k / d log c = k): dk/dD = -c exp(-B) (1 + D / B) / 6.
    /// </summary>
    public static double ValueAndDerivative(double d, double scale, out double dkdD)
    {
        var bb = Math.Sqrt(d + Jitter);
        var e = Math.Exp(-bb);
        dkdD = -scale * e * (1.0 + (d / bb)) / 6.0;
        return scale * (1.0 + bb + (d / 3.0)) * e;
    }
}
