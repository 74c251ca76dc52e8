using System.Collections.Concurrent;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// The silo's worker slots: one dedicated thread per slot, outside the Orleans scheduler, so long training never
/// blocks grain turns. Runs beyond the slot count wait in order. A run that ignores cancellation past its grace
/// period is abandoned (<see cref="Abandon"/>): its slot gets a new thread, the old one is left to the user's code
/// and counted in <see cref="AbandonedThreads"/> until that code returns (docs/architecture.md, "Failures").
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly List<Thread> _threads = [];
    private readonly ConcurrentDictionary<Thread, bool> _abandoned = new();
    private int _busy;
    private int _nextThread;

    public WorkerPool(WorkerOptions options)
    {
        Slots = Math.Max(1, options.Slots);
        for (int i = 0; i < Slots; i++)
        {
            StartThread();
        }
    }

    public int Slots { get; }

    /// <summary>Runs currently training (abandoned runs excluded).</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Runs waiting for a free slot.</summary>
    public int Queued => _queue.Count;

    /// <summary>Threads of abandoned runs whose code has not returned yet.</summary>
    public int AbandonedThreads => _abandoned.Count;

    /// <summary>Queue <paramref name="work"/> on a worker thread; the task completes when it has run.</summary>
    /// <param name="work">The run.</param>
    /// <param name="started">Told the thread the run got, before it starts (so it can be abandoned).</param>
    public Task Run(Action work, Action<Thread>? started = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            Interlocked.Increment(ref _busy);
            started?.Invoke(Thread.CurrentThread);
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
            finally
            {
                if (!_abandoned.ContainsKey(Thread.CurrentThread))
                {
                    Interlocked.Decrement(ref _busy);
                }
            }
        });
        return done.Task;
    }

    /// <summary>Give up on the run on <paramref name="thread"/>: its slot gets a fresh thread at once.</summary>
    public void Abandon(Thread thread)
    {
        if (_abandoned.TryAdd(thread, true))
        {
            Interlocked.Decrement(ref _busy);
            AbandonedThreadCount.Add(1);
            StartThread();
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        List<Thread> threads;
        lock (_threads)
        {
            threads = [.. _threads];
        }
        foreach (var thread in threads.Where(t => !_abandoned.ContainsKey(t)))
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }
    }

    private void StartThread()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = $"hpo-worker-{Interlocked.Increment(ref _nextThread) - 1}" };
        lock (_threads)
        {
            _threads.Add(thread);
        }
        thread.Start();
    }

    private void Loop()
    {
        try
        {
            foreach (var work in _queue.GetConsumingEnumerable())
            {
                work();
                if (_abandoned.TryRemove(Thread.CurrentThread, out _))
                {
                    // The abandoned run finally returned; its slot has another thread by now.
                    AbandonedThreadCount.Add(-1);
                    return;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed while this thread waited (an abandoned thread returning after shutdown).
        }
        finally
        {
            lock (_threads)
            {
                _threads.Remove(Thread.CurrentThread);
            }
        }
    }
}
