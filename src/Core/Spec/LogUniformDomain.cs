namespace OrleansHpo.Core.Spec;

/// <summary>
/// A positive real number whose logarithm is uniform on [log <paramref name="Lower"/>, log <paramref name="Upper"/>];
/// values are <see cref="double"/>, <paramref name="Lower"/> &gt; 0. Its default is the geometric midpoint
/// sqrt(lower * upper).
/// </summary>
public sealed record LogUniformDomain(double Lower, double Upper) : RealIntervalDomain(Lower, Upper)
{
    protected override double At(double u) => Clamp(Math.Exp(Lerp(Math.Log(Lower), Math.Log(Upper), u)), Lower, Upper);
}
