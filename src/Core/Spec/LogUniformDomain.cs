namespace OrleansHpo.Core.Spec;

/// <summary>
/// A positive real number whose logarithm is uniform on [log <paramref name="Lower"/>, log <paramref name="Upper"/>];
/// values are <see cref="double"/>, <paramref name="Lower"/> &gt; 0. Its default is the geometric midpoint
/// sqrt(lower * upper).
/// </summary>
public sealed record LogUniformDomain(double Lower, double Upper) : RealIntervalDomain(Lower, Upper)
{
    /// <summary>
    /// 10^lerp(log10 lower, log10 upper, u): the same distribution as through the natural logarithm, but a point that
    /// falls on a power of ten comes out exact (log10 and pow of powers of ten are exact in IEEE arithmetic), where
    /// exp(log) gave float noise such as 0.0010000000000000002 for the default of [1e-6, 1], which reached the best
    /// line and results.csv.
    /// </summary>
    protected override double At(double u) => Clamp(Math.Pow(10, Lerp(Math.Log10(Lower), Math.Log10(Upper), u)), Lower, Upper);
}
