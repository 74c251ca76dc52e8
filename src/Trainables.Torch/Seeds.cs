using OrleansHpo.Core.Search;

namespace OrleansHpo.Trainables.Torch;

/// <summary>Derives independent, reproducible seeds from the trial seed (SplitMix64 finaliser).</summary>
internal static class Seeds
{
    /// <summary>Purposes of derived streams, so that two streams of one epoch never coincide.</summary>
    public const long Init = 1, DataOrder = 2, Noise = 3;

    public static long Combine(long seed, long a, long b = 0)
    {
        ulong h = SplitMix64.Mix((ulong)seed ^ SplitMix64.Gamma);
        h = SplitMix64.Mix(h ^ (ulong)a);
        h = SplitMix64.Mix(h ^ (ulong)b);
        // Torch generators take any 64-bit seed; keep it non-negative for readability in logs.
        return (long)(h >> 1);
    }
}
