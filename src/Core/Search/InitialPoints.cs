using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Search;

/// <summary>Completes user-given first configs (points_to_evaluate) into full configs of a space.</summary>
public static class InitialPoints
{
    /// <summary>
    /// Each point merged over <see cref="ConfigSpace.Default"/>: missing keys take the default, values are coerced to
    /// the domain's type, fixed keys keep their fixed value.
    /// </summary>
    /// <exception cref="ArgumentException">A point names an unknown key or holds a value outside its domain.</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, object>> Complete(
        ConfigSpace space, IReadOnlyList<IReadOnlyDictionary<string, object>> points)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(points);
        var result = new List<IReadOnlyDictionary<string, object>>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var config = new Dictionary<string, object>(space.Default(), StringComparer.Ordinal);
            foreach (var (key, value) in points[i])
            {
                if (!space.TryGet(key, out var domain))
                {
                    throw new ArgumentException($"initial point {i}: '{key}' is not a config key", nameof(points));
                }
                if (!domain.TryCoerce(value, out var coerced))
                {
                    throw new ArgumentException($"initial point {i}: {key} = {value} is outside its domain {domain}", nameof(points));
                }
                if (domain.IsTunable)
                {
                    config[key] = coerced;
                }
            }
            result.Add(config);
        }
        return result;
    }
}
