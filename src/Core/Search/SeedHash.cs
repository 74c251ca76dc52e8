namespace OrleansHpo.Core.Search;

/// <summary>Hashes that are the same on every run, process and platform (unlike <see cref="string.GetHashCode()"/>).</summary>
public static class SeedHash
{
    /// <summary>SplitMix64 finaliser of (a, b), folded to 32 bits: a seed for <see cref="Random"/>.</summary>
    public static int Combine(int a, int b)
    {
        var z = SplitMix64.Mix(((ulong)(uint)a << 32) | (uint)b);
        return (int)(z ^ (z >> 32));
    }
}
