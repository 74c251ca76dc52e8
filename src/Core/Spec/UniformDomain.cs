namespace OrleansHpo.Core.Spec;

/// <summary>A real number drawn uniformly from [<paramref name="Lower"/>, <paramref name="Upper"/>]; values are <see cref="double"/>.</summary>
public sealed record UniformDomain(double Lower, double Upper) : RealIntervalDomain(Lower, Upper)
{
    protected override double At(double u) => Clamp(Lerp(Lower, Upper, u), Lower, Upper);
}
