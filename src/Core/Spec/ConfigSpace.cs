namespace OrleansHpo.Core.Spec;

/// <summary>The named domains of an experiment's config, in the order they appear in the spec's JSON.</summary>
public sealed class ConfigSpace
{
    private readonly Dictionary<string, Domain> _byName;

    /// <exception cref="ArgumentException">Two entries share a name.</exception>
    public ConfigSpace(IEnumerable<KeyValuePair<string, Domain>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = [.. entries];
        _byName = new Dictionary<string, Domain>(StringComparer.Ordinal);
        foreach (var (name, domain) in Entries)
        {
            ArgumentNullException.ThrowIfNull(domain);
            if (!_byName.TryAdd(name, domain))
            {
                throw new ArgumentException($"config key '{name}' appears twice", nameof(entries));
            }
        }
        AllNames = [.. Entries.Select(e => e.Key)];
        TunableNames = [.. Entries.Where(e => e.Value.IsTunable).Select(e => e.Key)];
    }

    /// <summary>Name and domain of every key, in JSON order.</summary>
    public IReadOnlyList<KeyValuePair<string, Domain>> Entries { get; }

    /// <exception cref="KeyNotFoundException">No key of that name.</exception>
    public Domain this[string name] => _byName[name];

    public bool TryGet(string name, out Domain domain)
    {
        if (_byName.TryGetValue(name, out var d))
        {
            domain = d;
            return true;
        }
        domain = null!;
        return false;
    }

    /// <summary>Names of the keys a searcher chooses (not fixed), in JSON order.</summary>
    public IReadOnlyList<string> TunableNames { get; }

    /// <summary>Names of all keys, fixed ones included, in JSON order.</summary>
    public IReadOnlyList<string> AllNames { get; }

    /// <summary>A random config: every key, fixed values included, drawn in JSON order from <paramref name="rng"/>.</summary>
    public IReadOnlyDictionary<string, object> Sample(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var config = new Dictionary<string, object>(Entries.Count, StringComparer.Ordinal);
        foreach (var (name, domain) in Entries)
        {
            config[name] = domain.Sample(rng);
        }
        return config;
    }

    /// <summary>The default (midpoint) config: every domain's <see cref="Domain.Default"/>.</summary>
    public IReadOnlyDictionary<string, object> Default()
    {
        var config = new Dictionary<string, object>(Entries.Count, StringComparer.Ordinal);
        foreach (var (name, domain) in Entries)
        {
            config[name] = domain.Default();
        }
        return config;
    }
}
