namespace OrleansHpo.Core.Search;

/// <summary>Hashes that are the same on every run, process and platform (unlike <see cref="string.GetHashCode()"/>).</summary>
public static class SeedHash
{
    /// <summary>SplitMix64 finaliser of (a, b), folded to 32 bits: a seed for <see cref="Random"/>.</summary>
    public static int Combine(int a, int b)
    {
        var z = ((ulong)(uint)a << 32) | (uint)b;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z ^ (z >> 32));
    }
}
