using System.Diagnostics.CodeAnalysis;

namespace OrleansHpo.Core.Spec;

/// <summary>
/// A positive real number whose logarithm is uniform on [log <paramref name="Lower"/>, log <paramref name="Upper"/>];
/// values are <see cref="double"/>, <paramref name="Lower"/> &gt; 0.
/// </summary>
public sealed record LogUniformDomain(double Lower, double Upper) : Domain
{
    public override bool IsTunable => true;

    public override object Sample(Random rng) => At(rng.NextDouble());

    /// <summary>The geometric midpoint sqrt(lower * upper).</summary>
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

    private double At(double u) => Clamp(Math.Exp(Lerp(Math.Log(Lower), Math.Log(Upper), u)), Lower, Upper);
}
