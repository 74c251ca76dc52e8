namespace OrleansHpo.Trainables.Torch;

/// <summary>Derives independent, reproducible seeds from the trial seed (SplitMix64 finaliser).</summary>
internal static class Seeds
{
    /// <summary>Purposes of derived streams, so that two streams of one epoch never coincide.</summary>
    public const long Init = 1, DataOrder = 2, Noise = 3;

    public static long Combine(long seed, long a, long b = 0)
    {
        ulong h = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)a);
        h = Mix(h ^ (ulong)b);
        // Torch generators take any 64-bit seed; keep it non-negative for readability in logs.
        return (long)(h >> 1);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
