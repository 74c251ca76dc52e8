using System.Globalization;
using System.Text;
using System.Text.Json;
using OrleansHpo.Core.IO;

namespace OrleansHpo.Core.Search;

/// <summary>
/// The ordered record of every call made on an experiment's searcher, kept in an append-only file
/// (<c>searcher.jsonl</c> next to results.csv, one JSON object a line), and the configs it suggested. Each call is
/// written (flushed to the OS, no fsync) before it reaches the searcher, so a crash at any point leaves a record
/// that, replayed on a fresh searcher, rebuilds the state it had: on open, a half-written last line is cut off,
/// then every recorded start (<see cref="ISearcher.OnTrialStarted"/> with the recorded config), report and status
/// is replayed in its original order. The grain's own state stays bounded: configs live here, not in grain state.
/// See docs/searchers.md.
/// </summary>
/// <remarks>
/// Re-deliveries after a crash are dropped: a report for a (trial, resource) already recorded, and a status equal
/// to the trial's last recorded status (statuses of one trial alternate, so a repeat is always a re-delivery).
/// With a null path the journal only keeps memory (the simulator).
/// </remarks>
public sealed class SearcherJournal : IDisposable
{
    /// <summary>File name of the journal inside the results folder.</summary>
    public const string FileName = "searcher.jsonl";

    private readonly Dictionary<int, Suggestion> _configs = [];
    private readonly HashSet<long> _reports = [];
    private readonly Dictionary<int, SearcherTrialStatus> _lastStatus = [];
    private readonly StreamWriter? _writer;

    /// <summary>Opens (or creates) the journal at <paramref name="path"/> and replays it into <paramref name="searcher"/>.</summary>
    public SearcherJournal(ISearcher searcher, string? path)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        Searcher = searcher;
        if (path is null)
        {
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (File.Exists(path))
        {
            LineFile.CutPartialLastLine(path);
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length > 0)
                {
                    Replay(line);
                    Replayed++;
                }
            }
        }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 14);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
    }

    /// <summary>The searcher the journal feeds; call its Suggest, then <see cref="Started"/> with the result.</summary>
    public ISearcher Searcher { get; }

    /// <summary>Number of records replayed when the journal was opened.</summary>
    public int Replayed { get; }

    /// <summary>Configs suggested so far, by trial id.</summary>
    public IReadOnlyDictionary<int, Suggestion> Configs => _configs;

    /// <summary>The suggestion recorded for <paramref name="trialId"/>, if any (after a crash: suggested, maybe never started).</summary>
    public Suggestion? Recorded(int trialId) => _configs.GetValueOrDefault(trialId);

    /// <summary>Trials started and not ended (running or paused): the <c>pending</c> set of <see cref="ISearcher.Suggest"/>.</summary>
    public IReadOnlyCollection<int> Pending() =>
        [.. _configs.Keys.Where(id => !_lastStatus.TryGetValue(id, out var s) || s is SearcherTrialStatus.Paused or SearcherTrialStatus.Resumed).Order()];

    /// <summary>The recorded suggestion for the trial, else a new one (recorded). Null when the search is exhausted.</summary>
    public Suggestion? Suggest(int trialId, IReadOnlyCollection<int> pending)
    {
        if (Recorded(trialId) is { } known)
        {
            return known;
        }
        var suggestion = Searcher.Suggest(trialId, pending);
        if (suggestion is not null)
        {
            Started(trialId, suggestion);
        }
        return suggestion;
    }

    /// <summary>Records that trial <paramref name="trialId"/> gets <paramref name="suggestion"/>, then tells the searcher.</summary>
    public void Started(int trialId, Suggestion suggestion)
    {
        ArgumentNullException.ThrowIfNull(suggestion);
        if (_configs.ContainsKey(trialId))
        {
            return;
        }
        Write(w =>
        {
            w.WriteString("op", "start");
            w.WriteNumber("trial", trialId);
            w.WriteString("source", suggestion.Source);
            w.WriteStartObject("config");
            foreach (var (key, value) in suggestion.Config)
            {
                w.WritePropertyName(key);
                WriteValue(w, value);
            }
            w.WriteEndObject();
        });
        _configs[trialId] = suggestion;
        Searcher.OnTrialStarted(trialId, suggestion.Config);
    }

    /// <summary>Records a report and passes it on; a (trial, resource) seen before is dropped.</summary>
    public void Report(int trialId, int resource, double metric)
    {
        if (!_reports.Add(ReportKey(trialId, resource)))
        {
            return;
        }
        Write(w =>
        {
            w.WriteString("op", "report");
            w.WriteNumber("trial", trialId);
            w.WriteNumber("resource", resource);
            w.WriteString("metric", metric.ToString("R", CultureInfo.InvariantCulture));
        });
        Searcher.OnReport(trialId, resource, metric);
    }

    /// <summary>Records a status change and passes it on; a repeat of the trial's last status is dropped.</summary>
    public void Status(int trialId, SearcherTrialStatus status)
    {
        if (_lastStatus.TryGetValue(trialId, out var last) && last == status)
        {
            return;
        }
        _lastStatus[trialId] = status;
        Write(w =>
        {
            w.WriteString("op", "status");
            w.WriteNumber("trial", trialId);
            w.WriteString("status", status.ToString());
        });
        Searcher.OnTrialStatus(trialId, status);
    }

    public void Dispose() => _writer?.Dispose();

    private void Write(Action<Utf8JsonWriter> body)
    {
        if (_writer is null)
        {
            return;
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        _writer.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        _writer.Flush(); // to the OS: survives kill -9; an fsync would block the caller (docs/architecture.md)
    }

    private void Replay(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        int trial = r.GetProperty("trial").GetInt32();
        switch (r.GetProperty("op").GetString())
        {
            case "start":
                var config = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var p in r.GetProperty("config").EnumerateObject())
                {
                    config[p.Name] = ReadValue(p.Value);
                }
                _configs[trial] = new Suggestion(config, r.GetProperty("source").GetString() ?? "");
                Searcher.OnTrialStarted(trial, config);
                break;
            case "report":
                int resource = r.GetProperty("resource").GetInt32();
                double metric = double.Parse(r.GetProperty("metric").GetString()!, CultureInfo.InvariantCulture);
                _reports.Add(ReportKey(trial, resource));
                Searcher.OnReport(trial, resource, metric);
                break;
            case "status":
                var status = Enum.Parse<SearcherTrialStatus>(r.GetProperty("status").GetString()!);
                _lastStatus[trial] = status;
                Searcher.OnTrialStatus(trial, status);
                break;
            default:
                throw new InvalidDataException($"{FileName}: unknown record {line}");
        }
    }

    /// <summary>Config values keep their .NET type through the file: {"d": 0.1}, {"l": 3}, {"s": "relu"}, {"b": true}.</summary>
    private static void WriteValue(Utf8JsonWriter w, object value)
    {
        w.WriteStartObject();
        switch (value)
        {
            case double d: w.WriteString("d", d.ToString("R", CultureInfo.InvariantCulture)); break;
            case float f: w.WriteString("d", ((double)f).ToString("R", CultureInfo.InvariantCulture)); break;
            case long l: w.WriteNumber("l", l); break;
            case int i: w.WriteNumber("i", i); break;
            case bool b: w.WriteBoolean("b", b); break;
            default: w.WriteString("s", Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
        w.WriteEndObject();
    }

    private static object ReadValue(JsonElement e)
    {
        var p = e.EnumerateObject().First();
        return p.Name switch
        {
            "d" => double.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture),
            "l" => p.Value.GetInt64(),
            "i" => p.Value.GetInt32(),
            "b" => p.Value.GetBoolean(),
            _ => p.Value.GetString()!,
        };
    }

    private static long ReportKey(int trialId, int resource) => ((long)trialId << 32) | (uint)resource;
}
