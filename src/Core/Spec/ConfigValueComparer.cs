namespace OrleansHpo.Core.Spec;

/// <summary>
/// Hash equality of config values that agrees with <see cref="Domain.ValueEquals"/> (numbers by value across
/// long/double, others by <see cref="object.Equals(object?)"/>), so that duplicate checks over long choice lists
/// are linear rather than quadratic.
/// </summary>
public sealed class ConfigValueComparer : IEqualityComparer<object>
{
    public static ConfigValueComparer Instance { get; } = new();

    public new bool Equals(object? x, object? y) => Domain.ValueEquals(x, y);

    /// <summary>Numbers hash by their double value (equal longs give equal doubles; 0.0 and -0.0 hash alike).</summary>
    public int GetHashCode(object obj) => Domain.IsNumber(obj) ? Domain.ToDouble(obj).GetHashCode() : obj.GetHashCode();
}
