using System.Collections.Concurrent;

namespace OrleansHpo.Dashboard;

/// <summary>
/// The experiments of a results folder: one <see cref="ExperimentFeed"/> per experiment a browser looks at, and a
/// version of the folder's list (raised when an experiment appears or its metadata.json changes). A background loop
/// re-reads what is watched every poll interval; nothing is read for experiments nobody looks at.
/// </summary>
public sealed class FeedRegistry(string root, TimeSpan pollInterval)
{
    private readonly ConcurrentDictionary<string, ExperimentFeed> _feeds = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private string _listStamp = "";
    private long _listVersion;
    private TaskCompletionSource _listChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The results folder.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Open event streams (each watches the list).</summary>
    public int Subscribers;

    public TimeSpan PollInterval => pollInterval;

    public long ListVersion { get { lock (_gate) { return _listVersion; } } }

    /// <summary>Names of the experiments in the folder (those with a metadata.json), sorted.</summary>
    public IReadOnlyList<string> Names() =>
        System.IO.Directory.Exists(Root)
            ? System.IO.Directory.EnumerateDirectories(Root)
                .Where(d => File.Exists(Path.Combine(d, "metadata.json")))
                .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The feed of experiment <paramref name="name"/>, or null when the folder has no such experiment.</summary>
    public ExperimentFeed? Get(string name)
    {
        if (string.IsNullOrEmpty(name) || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
        {
            return null;
        }
        if (_feeds.TryGetValue(name, out var feed))
        {
            feed.LastUsedUtc = DateTime.UtcNow;
            return feed;
        }
        var directory = Path.Combine(Root, name);
        if (!File.Exists(Path.Combine(directory, "metadata.json")))
        {
            return null;
        }
        feed = _feeds.GetOrAdd(name, n => new ExperimentFeed(directory, n));
        feed.LastUsedUtc = DateTime.UtcNow;
        return feed;
    }

    /// <summary>Completes on the next change of the list after <paramref name="seen"/>.</summary>
    public Task WaitForListChangeAsync(long seen)
    {
        lock (_gate)
        {
            return _listVersion != seen ? Task.CompletedTask : _listChanged.Task;
        }
    }

    /// <summary>One poll: the list (when someone watches it) and every watched experiment.</summary>
    public void Poll()
    {
        if (Volatile.Read(ref Subscribers) > 0)
        {
            RefreshList();
        }
        var cutoff = DateTime.UtcNow - TimeSpan.FromSeconds(10);
        foreach (var feed in _feeds.Values)
        {
            if (Volatile.Read(ref feed.Subscribers) > 0 || feed.LastUsedUtc > cutoff)
            {
                feed.Refresh(TimeSpan.Zero);
            }
        }
    }

    /// <summary>Re-reads the folder listing (names, metadata.json times and sizes); raises the version on a change.</summary>
    public void RefreshList()
    {
        var stamp = new System.Text.StringBuilder();
        foreach (var name in Names())
        {
            var info = new FileInfo(Path.Combine(Root, name, "metadata.json"));
            stamp.Append(name).Append(':').Append(info.Exists ? info.LastWriteTimeUtc.Ticks : 0).Append(':').Append(info.Exists ? info.Length : 0).Append(';');
        }
        var s = stamp.ToString();
        lock (_gate)
        {
            if (s == _listStamp)
            {
                return;
            }
            _listStamp = s;
            _listVersion++;
            var old = _listChanged;
            _listChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            old.TrySetResult();
        }
    }

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(pollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    Poll();
                }
                catch (IOException)
                {
                    // A folder being created or removed under us: the next poll sees it settled.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
