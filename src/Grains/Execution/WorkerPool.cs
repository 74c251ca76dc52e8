using System.Collections.Concurrent;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// The silo's worker slots: one dedicated thread per slot, outside the Orleans scheduler, so long training never
/// blocks grain turns. Runs beyond the slot count wait in order.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly List<Thread> _threads = [];
    private int _busy;

    public WorkerPool(WorkerOptions options)
    {
        Slots = Math.Max(1, options.Slots);
        for (int i = 0; i < Slots; i++)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"hpo-worker-{i}" };
            thread.Start();
            _threads.Add(thread);
        }
    }

    public int Slots { get; }

    /// <summary>Runs currently training.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Runs waiting for a free slot.</summary>
    public int Queued => _queue.Count;

    /// <summary>Queue <paramref name="work"/> on a worker thread; the task completes when it has run.</summary>
    public Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            Interlocked.Increment(ref _busy);
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
                Interlocked.Decrement(ref _busy);
            }
        });
        return done.Task;
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }
        _queue.Dispose();
    }

    private void Loop()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }
}
