using System.Diagnostics.CodeAnalysis;

namespace OrleansHpo.Core.Spec;

/// <summary>
/// The set of values one config key can take. Config values are always <see cref="long"/>, <see cref="double"/>,
/// <see cref="string"/> or <see cref="bool"/>.
/// </summary>
public abstract record Domain
{
    /// <summary>False for a fixed value, true for anything a searcher chooses.</summary>
    public abstract bool IsTunable { get; }

    /// <summary>A random value of the domain, drawn with <paramref name="rng"/>.</summary>
    public abstract object Sample(Random rng);

    /// <summary>The midpoint (Syne Tune's default config): used for the first trial when points_to_evaluate is unset.</summary>
    public abstract object Default();

    /// <summary>Values a grid search visits for this key, in ascending (or declared) order, without duplicates.</summary>
    public abstract IReadOnlyList<object> GridValues(int points);

    /// <summary>Whether <paramref name="value"/> is a value of this domain (numbers compare by value: 3 and 3.0 are equal).</summary>
    public bool Contains(object value) => TryCoerce(value, out _);

    /// <summary>
    /// Converts <paramref name="value"/> to this domain's canonical representation (for example an integral
    /// <see cref="double"/> to <see cref="long"/> for a randint), or fails when it is not in the domain.
    /// </summary>
    public abstract bool TryCoerce(object? value, [NotNullWhen(true)] out object? coerced);

    /// <summary>Equality of config values: numbers by value across long/double, others by <see cref="object.Equals(object?)"/>.</summary>
    public static bool ValueEquals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        if (IsNumber(a) && IsNumber(b))
        {
            if (a is long la && b is long lb)
            {
                return la == lb;
            }
            return ToDouble(a) == ToDouble(b);
        }
        return a.Equals(b);
    }

    internal static bool IsNumber(object? v) => v is long or int or double or float;

    internal static double ToDouble(object v) => v switch
    {
        long l => l,
        int i => i,
        double d => d,
        float f => f,
        _ => double.NaN,
    };

    /// <summary>Linear interpolation written so that the same <paramref name="u"/> always gives the same bits.</summary>
    internal static double Lerp(double lower, double upper, double u) => (lower * (1 - u)) + (upper * u);

    internal static double Clamp(double x, double lower, double upper) => x < lower ? lower : x > upper ? upper : x;
}
