using OrleansHpo.Core.Spec;

namespace OrleansHpo.ModelSearch.Encoding;

/// <summary>
/// Maps configs to points of [0, 1]^d the way Syne Tune's <c>searchers/utils/hp_ranges_impl.py</c> (v0.13) does:
/// a real number linearly (or its logarithm for a log domain) onto [0, 1]; an integer as the real interval
/// [lower - 0.5, upper + 0.5] (log scale for a log randint), rounded back; a choice of two values as one coordinate
/// (index 0 or 1), of three or more as one-hot coordinates. Fixed keys take no coordinate.
/// </summary>
public sealed class ConfigEncoder
{
    private readonly ConfigSpace _space;
    private readonly List<Slot> _slots = [];

    public ConfigEncoder(ConfigSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        _space = space;
        var offset = 0;
        foreach (var (name, domain) in space.Entries)
        {
            if (!domain.IsTunable)
            {
                continue;
            }
            var width = domain is ChoiceDomain c ? (c.Values.Count <= 2 ? 1 : c.Values.Count) : 1;
            _slots.Add(new Slot(name, domain, offset, width));
            offset += width;
        }
        Dimension = offset;
    }

    /// <summary>Number of coordinates of an encoded config.</summary>
    public int Dimension { get; }

    /// <summary>Tunable keys, in JSON order, with their first coordinate and width.</summary>
    internal IReadOnlyList<Slot> Slots => _slots;

    /// <summary>The point of [0, 1]^d of <paramref name="config"/> (every tunable key must be present).</summary>
    public double[] Encode(IReadOnlyDictionary<string, object> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var x = new double[Dimension];
        foreach (var s in _slots)
        {
            var value = config[s.Name];
            switch (s.Domain)
            {
                case UniformDomain u:
                    x[s.Offset] = Unit(ToDouble(value), u.Lower, u.Upper, log: false);
                    break;
                case LogUniformDomain l:
                    x[s.Offset] = Unit(ToDouble(value), l.Lower, l.Upper, log: true);
                    break;
                case RandIntDomain r:
                    x[s.Offset] = Unit(ToDouble(value), r.Lower - 0.5, r.Upper + 0.5, r.Log);
                    break;
                case ChoiceDomain c:
                    var index = IndexOf(c, value);
                    if (s.Width == 1)
                    {
                        x[s.Offset] = c.Values.Count == 1 ? 0.0 : index;
                    }
                    else
                    {
                        x[s.Offset + index] = 1.0;
                    }
                    break;
                default:
                    throw new NotSupportedException($"domain {s.Domain.GetType().Name} of '{s.Name}' cannot be encoded");
            }
        }
        return x;
    }

    /// <summary>
    /// The config nearest to <paramref name="x"/> (coordinates are clamped to [0, 1]; integers rounded; one-hot by
    /// largest coordinate, first on ties), fixed keys included, in the space's key order.
    /// </summary>
    public IReadOnlyDictionary<string, object> Decode(ReadOnlySpan<double> x)
    {
        if (x.Length != Dimension)
        {
            throw new ArgumentException($"expected {Dimension} coordinates, got {x.Length}", nameof(x));
        }
        var config = new Dictionary<string, object>(_space.Entries.Count, StringComparer.Ordinal);
        var slot = 0;
        foreach (var (name, domain) in _space.Entries)
        {
            if (!domain.IsTunable)
            {
                config[name] = domain.Default();
                continue;
            }
            var s = _slots[slot++];
            var u = Math.Clamp(x[s.Offset], 0.0, 1.0);
            switch (domain)
            {
                case UniformDomain d:
                    config[name] = Math.Clamp(FromUnit(u, d.Lower, d.Upper, log: false), d.Lower, d.Upper);
                    break;
                case LogUniformDomain d:
                    config[name] = Math.Clamp(FromUnit(u, d.Lower, d.Upper, log: true), d.Lower, d.Upper);
                    break;
                case RandIntDomain d:
                    var v = Math.Round(FromUnit(u, d.Lower - 0.5, d.Upper + 0.5, d.Log), MidpointRounding.ToEven);
                    config[name] = (long)Math.Clamp(v, d.Lower, d.Upper);
                    break;
                case ChoiceDomain c:
                    int index;
                    if (s.Width == 1)
                    {
                        index = c.Values.Count == 1 || u < 0.5 ? 0 : 1;
                    }
                    else
                    {
                        index = 0;
                        for (var k = 1; k < s.Width; k++)
                        {
                            if (x[s.Offset + k] > x[s.Offset + index])
                            {
                                index = k;
                            }
                        }
                    }
                    config[name] = c.Values[index];
                    break;
                default:
                    throw new NotSupportedException($"domain {domain.GetType().Name} of '{name}' cannot be decoded");
            }
        }
        return config;
    }

    /// <summary>A key that identifies a config by its tunable values (for excluding duplicates).</summary>
    public string Key(IReadOnlyDictionary<string, object> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var parts = new string[_slots.Count];
        for (var i = 0; i < _slots.Count; i++)
        {
            var v = config[_slots[i].Name];
            parts[i] = v switch
            {
                double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
                int n => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            };
        }
        return string.Join('\u001f', parts);
    }

    private static int IndexOf(ChoiceDomain c, object value)
    {
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (Domain.ValueEquals(c.Values[i], value))
            {
                return i;
            }
        }
        throw new ArgumentException($"value {value} is not one of the choices");
    }

    private static double ToDouble(object v) => v switch
    {
        long l => l,
        int i => i,
        double d => d,
        float f => f,
        _ => throw new ArgumentException($"expected a number, got {v}"),
    };

    private static double Unit(double v, double lower, double upper, bool log)
    {
        if (upper <= lower)
        {
            return 0.5;
        }
        var u = log ? (Math.Log(v) - Math.Log(lower)) / (Math.Log(upper) - Math.Log(lower)) : (v - lower) / (upper - lower);
        return Math.Clamp(u, 0.0, 1.0);
    }

    private static double FromUnit(double u, double lower, double upper, bool log) =>
        log ? Math.Exp(Math.Log(lower) + (u * (Math.Log(upper) - Math.Log(lower)))) : lower + (u * (upper - lower));

    internal sealed record Slot(string Name, Domain Domain, int Offset, int Width);
}
