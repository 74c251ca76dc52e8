using System.Diagnostics.CodeAnalysis;

namespace OrleansHpo.Core.Spec;

/// <summary>
/// A real number in [<paramref name="Lower"/>, <paramref name="Upper"/>] drawn through a monotone map of [0, 1]
/// (<see cref="At"/>): linear for <see cref="UniformDomain"/>, exponential for <see cref="LogUniformDomain"/>.
/// Sampling, the default (the map at 0.5), grid points (the map at i/(n-1), the ends exact) and coercion are shared.
/// </summary>
public abstract record RealIntervalDomain(double Lower, double Upper) : Domain
{
    public override bool IsTunable => true;

    public override object Sample(Random rng) => At(rng.NextDouble());

    public override object Default() => At(0.5);

    public override IReadOnlyList<object> GridValues(int points)
    {
        if (points < 2)
        {
            return [Default()];
        }
        var values = new List<object>(points);
        for (var i = 0; i < points; i++)
        {
            var v = i == 0 ? Lower : i == points - 1 ? Upper : At((double)i / (points - 1));
            if (values.Count == 0 || (double)values[^1] != v)
            {
                values.Add(v);
            }
        }
        return values;
    }

    public override bool TryCoerce(object? value, [NotNullWhen(true)] out object? coerced)
    {
        coerced = null;
        if (!IsNumber(value))
        {
            return false;
        }
        var d = ToDouble(value!);
        if (!double.IsFinite(d) || d < Lower || d > Upper)
        {
            return false;
        }
        coerced = d;
        return true;
    }

    /// <summary>The value at <paramref name="u"/> in [0, 1], clamped into the interval.</summary>
    protected abstract double At(double u);
}
