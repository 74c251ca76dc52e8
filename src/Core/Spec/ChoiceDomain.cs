using System.Diagnostics.CodeAnalysis;

namespace OrleansHpo.Core.Spec;

/// <summary>One of a non-empty list of values (each long, double, string or bool), drawn uniformly.</summary>
public sealed record ChoiceDomain(IReadOnlyList<object> Values) : Domain
{
    public override bool IsTunable => true;

    public override object Sample(Random rng) => Values[rng.Next(Values.Count)];

    /// <summary>The first value.</summary>
    public override object Default() => Values[0];

    public override IReadOnlyList<object> GridValues(int points) => Values;

    public override bool TryCoerce(object? value, [NotNullWhen(true)] out object? coerced)
    {
        foreach (var v in Values)
        {
            if (ValueEquals(v, value))
            {
                coerced = v;
                return true;
            }
        }
        coerced = null;
        return false;
    }

    public bool Equals(ChoiceDomain? other) =>
        other is not null && Values.Count == other.Values.Count && Values.Zip(other.Values).All(p => ValueEquals(p.First, p.Second));

    public override int GetHashCode() => Values.Count;
}
