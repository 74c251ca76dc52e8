using System.Text.Json;

namespace OrleansHpo.ModelSearch.Providers;

/// <summary>
/// Reads a searcher's raw options (the spec's <c>searcher</c> object minus type and seed). Every key must be known;
/// a wrong type or value throws <see cref="ArgumentException"/> naming the key, the problem and the fix.
/// </summary>
internal sealed class SearcherOptionReader
{
    private readonly string _type;
    private readonly IReadOnlyDictionary<string, JsonElement> _options;

    public SearcherOptionReader(string type, IReadOnlyDictionary<string, JsonElement>? options, IReadOnlyCollection<string> known)
    {
        _type = type;
        _options = options ?? new Dictionary<string, JsonElement>();
        foreach (var key in _options.Keys)
        {
            if (!known.Contains(key))
            {
                throw new ArgumentException($"searcher '{type}': unknown option '{key}'; known options: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
            }
        }
    }

    public int Int(string key, int fallback, int min)
    {
        if (!_options.TryGetValue(key, out var e))
        {
            return fallback;
        }
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var v) || v < min)
        {
            throw new ArgumentException($"searcher '{_type}': option '{key}' must be an integer >= {min}, got {e.GetRawText()}");
        }
        return v;
    }

    public int? NullableInt(string key, int min) =>
        _options.TryGetValue(key, out var e) && e.ValueKind != JsonValueKind.Null ? Int(key, 0, min) : null;

    public double Double(string key, double fallback, double min, double max)
    {
        if (!_options.TryGetValue(key, out var e))
        {
            return fallback;
        }
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var v) || v < min || v > max)
        {
            throw new ArgumentException($"searcher '{_type}': option '{key}' must be a number in [{min}, {max}], got {e.GetRawText()}");
        }
        return v;
    }

    public bool Bool(string key, bool fallback)
    {
        if (!_options.TryGetValue(key, out var e))
        {
            return fallback;
        }
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ArgumentException($"searcher '{_type}': option '{key}' must be true or false, got {e.GetRawText()}"),
        };
    }

    public string Choice(string key, string fallback, params string[] allowed)
    {
        if (!_options.TryGetValue(key, out var e))
        {
            return fallback;
        }
        var v = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (v is null || !allowed.Contains(v, StringComparer.Ordinal))
        {
            throw new ArgumentException($"searcher '{_type}': option '{key}' must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, got {e.GetRawText()}");
        }
        return v;
    }
}
