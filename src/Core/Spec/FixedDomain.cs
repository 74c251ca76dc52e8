using System.Diagnostics.CodeAnalysis;

namespace OrleansHpo.Core.Spec;

/// <summary>A constant passed to every trial (a plain value in config_space); not tuned.</summary>
public sealed record FixedDomain(object Value) : Domain
{
    public override bool IsTunable => false;

    public override object Sample(Random rng) => Value;

    public override object Default() => Value;

    public override IReadOnlyList<object> GridValues(int points) => [Value];

    public override bool TryCoerce(object? value, [NotNullWhen(true)] out object? coerced)
    {
        coerced = ValueEquals(Value, value) ? Value : null;
        return coerced is not null;
    }
}
