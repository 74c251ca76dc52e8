using System.Globalization;
using System.Text;
using OrleansHpo.Core.IO;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Text;

namespace OrleansHpo.Results;

/// <summary>
/// Appends reports to <c>results.csv</c> (pandas-readable, Syne Tune's column names). Each (trial_id, epoch) is
/// written at most once: on open, the keys already in the file are loaded, and a half-written last line left by a
/// crash is cut off. The columns are <see cref="ResultsSchema"/>'s. Used by the experiment grain and the simulator.
/// </summary>
public sealed class ResultsWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly HashSet<long> _written = [];
    private readonly IReadOnlyList<string> _metrics;
    private readonly IReadOnlyList<string> _hyperparameters;
    private readonly bool _withSource = true;

    public ResultsWriter(string path, string resourceAttr, IReadOnlyList<string> metrics, IReadOnlyList<string> hyperparameters)
    {
        _metrics = metrics;
        _hyperparameters = hyperparameters;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        bool exists = File.Exists(path) && new FileInfo(path).Length > 0;
        if (exists)
        {
            RepairAndLoadKeys(path);
            using var reader = new StreamReader(path);
            _withSource = (reader.ReadLine() ?? "").EndsWith("," + ResultsSchema.ConfigSource, StringComparison.Ordinal);
        }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
        if (!exists)
        {
            var header = ResultsSchema.Header(resourceAttr, metrics, hyperparameters);
            _writer.WriteLine(string.Join(",", header.Select(CsvLine.Escape)));
            _writer.Flush();
        }
    }

    /// <summary>Rows written so far (including those found in the file on open).</summary>
    public int Count => _written.Count;

    /// <summary>Append the reports not yet written; returns how many were new.</summary>
    public int Append(IEnumerable<ResultsLine> reports, Func<int, Suggestion?> configOf)
    {
        int added = 0;
        var line = new StringBuilder(256);
        foreach (var report in reports)
        {
            if (!_written.Add(Key(report.TrialId, report.Epoch)))
            {
                continue;
            }
            line.Clear();
            line.Append(report.TrialId.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(report.TunerTime.ToString("0.######", CultureInfo.InvariantCulture)).Append(',')
                .Append(report.WorkerSeconds.ToString("0.######", CultureInfo.InvariantCulture)).Append(',')
                .Append(report.Decision.ToString().ToUpperInvariant()).Append(',')
                .Append(report.Epoch.ToString(CultureInfo.InvariantCulture));
            foreach (var metric in _metrics)
            {
                line.Append(',');
                if (report.Metrics.TryGetValue(metric, out var value))
                {
                    line.Append(value.ToString("R", CultureInfo.InvariantCulture));
                }
            }
            var suggestion = configOf(report.TrialId);
            var config = suggestion?.Config ?? new Dictionary<string, object>();
            foreach (var name in _hyperparameters)
            {
                line.Append(',');
                if (config.TryGetValue(name, out var value))
                {
                    line.Append(CsvLine.Escape(Format(value)));
                }
            }
            line.Append(',').Append(report.RetrainedEpochs.ToString(CultureInfo.InvariantCulture));
            if (_withSource)
            {
                line.Append(',').Append(CsvLine.Escape(suggestion?.Source ?? ""));
            }
            _writer.WriteLine(line);
            added++;
        }
        if (added > 0)
        {
            _writer.Flush();
        }
        return added;
    }

    public bool Contains(int trialId, int epoch) => _written.Contains(Key(trialId, epoch));

    public void Dispose() => _writer.Dispose();

    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static long Key(int trialId, int epoch) => ((long)trialId << 32) | (uint)epoch;

    private void RepairAndLoadKeys(string path)
    {
        // Cut a partial last line (a crash mid-append), then read the (trial_id, epoch) keys.
        LineFile.CutPartialLastLine(path);
        bool header = true;
        foreach (var row in File.ReadLines(path))
        {
            if (header)
            {
                header = false;
                continue;
            }
            var parts = row.Split(',', ResultsSchema.FirstMetricColumn + 1);
            if (parts.Length >= ResultsSchema.FirstMetricColumn
                && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var trial)
                && int.TryParse(parts[ResultsSchema.ResourceColumn], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
            {
                _written.Add(Key(trial, epoch));
            }
        }
    }
}
