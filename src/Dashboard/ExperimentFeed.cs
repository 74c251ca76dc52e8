using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHpo.Results;

namespace OrleansHpo.Dashboard;

/// <summary>
/// Follows one experiment folder: metadata.json when it changes, and results.csv incrementally through a
/// <see cref="ResultsTail"/> (only the bytes appended since the last read are parsed). Every change raises
/// <see cref="Version"/>; payloads built for a version are cached, so any number of browsers cost one build.
/// </summary>
public sealed class ExperimentFeed
{
    private readonly object _gate = new();
    private readonly string _metadataPath;
    private readonly string _csvPath;
    private ResultsTail _tail;
    private List<ResultRow> _rows = [];
    private JsonObject _metadata = [];
    private (DateTime, long) _metadataStamp;
    private long _csvLength;
    private long _version;
    private DateTime _lastRefreshUtc = DateTime.MinValue;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (long Version, Experiment Experiment)? _experiment;
    private readonly Dictionary<string, (long Version, byte[] Bytes)> _payloads = [];

    public ExperimentFeed(string directory, string name)
    {
        Directory = directory;
        Name = name;
        _metadataPath = Path.Combine(directory, "metadata.json");
        _csvPath = Path.Combine(directory, "results.csv");
        _tail = new ResultsTail(_csvPath);
    }

    /// <summary>The experiment's folder.</summary>
    public string Directory { get; }

    /// <summary>The experiment's name (its folder name).</summary>
    public string Name { get; }

    /// <summary>Raised on every change seen (new reports, a new metadata.json).</summary>
    public long Version { get { lock (_gate) { return _version; } } }

    /// <summary>Reports read so far.</summary>
    public int ReportCount { get { lock (_gate) { return _rows.Count; } } }

    /// <summary>Last time a browser asked for this experiment (the poller only follows watched experiments).</summary>
    public DateTime LastUsedUtc { get; set; } = DateTime.UtcNow;

    /// <summary>Open event streams on this experiment.</summary>
    public int Subscribers;

    /// <summary>Completes on the next change after <paramref name="seen"/> (at once if it already happened).</summary>
    public Task WaitForChangeAsync(long seen)
    {
        lock (_gate)
        {
            return _version != seen ? Task.CompletedTask : _changed.Task;
        }
    }

    /// <summary>Reads what changed on disk, unless that was done less than <paramref name="minInterval"/> ago.</summary>
    public void Refresh(TimeSpan minInterval)
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            if (now - _lastRefreshUtc < minInterval)
            {
                return;
            }
            _lastRefreshUtc = now;
            bool changed = false;
            var info = new FileInfo(_metadataPath);
            if (info.Exists && (info.LastWriteTimeUtc, info.Length) != _metadataStamp)
            {
                try
                {
                    if (JsonNode.Parse(File.ReadAllText(_metadataPath)) is JsonObject m)
                    {
                        _metadata = m;
                        _metadataStamp = (info.LastWriteTimeUtc, info.Length);
                        changed = true;
                    }
                }
                catch (Exception e) when (e is IOException or JsonException)
                {
                    // Being replaced (written to a temp file, then renamed): read on the next poll.
                }
            }
            var csv = new FileInfo(_csvPath);
            long length = csv.Exists ? csv.Length : 0;
            if (length < _csvLength)
            {
                // Started over (hpo run --overwrite): read the new file from its start.
                _tail = new ResultsTail(_csvPath);
                _rows = [];
                changed = true;
            }
            _csvLength = length;
            if (length > 0)
            {
                try
                {
                    var rows = _tail.ReadNew();
                    if (rows.Count > 0)
                    {
                        _rows.AddRange(rows);
                        changed = true;
                    }
                }
                catch (IOException)
                {
                    // Read again on the next poll.
                }
            }
            if (changed)
            {
                _version++;
                var old = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                old.TrySetResult();
            }
        }
    }

    /// <summary>The experiment as of the current version (rows copied, so later reads do not change it).</summary>
    public (long Version, Experiment Experiment) Snapshot()
    {
        lock (_gate)
        {
            if (_experiment is { } cached && cached.Version == _version)
            {
                return cached;
            }
            var experiment = Experiment.FromRows(Directory, (JsonObject)_metadata.DeepClone(), _rows.ToArray(), _tail);
            _experiment = (_version, experiment);
            return _experiment.Value;
        }
    }

    /// <summary>A payload for the current version, built once per version and key.</summary>
    public byte[] Payload(string key, Func<long, Experiment, byte[]> build)
    {
        var (version, experiment) = Snapshot();
        lock (_payloads)
        {
            if (_payloads.TryGetValue(key, out var cached) && cached.Version == version)
            {
                return cached.Bytes;
            }
        }
        var bytes = build(version, experiment);
        lock (_payloads)
        {
            _payloads[key] = (version, bytes);
        }
        return bytes;
    }
}
