namespace OrleansHpo.Grains.Execution;

/// <summary>Threads of abandoned runs in this process still running user code (metadata.json's <c>num_abandoned_threads</c>).</summary>
public static class AbandonedThreadCount
{
    private static int _current;

    public static int Current => Volatile.Read(ref _current);

    internal static void Add(int delta)
    {
        Interlocked.Add(ref _current, delta);
        HpoMetrics.AbandonedThreads.Add(delta);
    }
}
