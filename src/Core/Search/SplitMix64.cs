namespace OrleansHpo.Core.Search;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): the one stable
/// 64-bit mixer behind every derived seed and hash here (searcher seeds, bracket sampling, trial seeds, the
/// checkpoint budget's random removal, torch seeds). Unlike <see cref="string.GetHashCode()"/> it is the same on every
/// run, process and platform.
/// </summary>
public static class SplitMix64
{
    /// <summary>The generator's increment (golden ratio).</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>One step: <paramref name="z"/> + <see cref="Gamma"/>, then <see cref="Finalize"/>.</summary>
    public static ulong Mix(ulong z) => Finalize(z + Gamma);

    /// <summary>The finaliser alone (variant 13 of Stafford's mixers).</summary>
    public static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits of <paramref name="z"/>.</summary>
    public static double ToUnit(ulong z) => (z >> 11) * (1.0 / (1UL << 53));
}
