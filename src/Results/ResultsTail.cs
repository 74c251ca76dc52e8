using System.Globalization;
using System.Text;
using OrleansHpo.Core.Text;

namespace OrleansHpo.Results;

/// <summary>
/// Reads <c>results.csv</c> incrementally: each <see cref="ReadNew"/> returns the complete lines appended since the
/// last call (a line still being written is left for the next call). Used by the live progress view and by
/// <see cref="Experiment.Load"/>.
/// </summary>
public sealed class ResultsTail(string path)
{
    private long _offset;
    private string[]? _header;
    private const int EpochColumn = ResultsSchema.ResourceColumn;

    /// <summary>Column names, once the header was read.</summary>
    public IReadOnlyList<string> Header => _header ?? [];

    /// <summary>Name of the resource column (the fifth column, e.g. "epoch").</summary>
    public string ResourceAttr => _header is { Length: > 4 } h ? h[EpochColumn] : "epoch";

    /// <summary>Metric column names (between the resource column and the config_ columns).</summary>
    public IReadOnlyList<string> MetricNames =>
        _header is null ? [] : ResultsSchema.MetricColumns(_header);

    public IReadOnlyList<ResultRow> ReadNew()
    {
        if (!File.Exists(path))
        {
            return [];
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= _offset)
        {
            return [];
        }
        stream.Position = _offset;
        var buffer = new byte[stream.Length - _offset];
        stream.ReadExactly(buffer);
        int end = Array.LastIndexOf(buffer, (byte)'\n');
        if (end < 0)
        {
            return [];
        }
        _offset += end + 1;
        var text = Encoding.UTF8.GetString(buffer, 0, end);
        var rows = new List<ResultRow>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            if (_header is null)
            {
                _header = [.. CsvLine.Split(line)];
                if (_header.Length < ResultsSchema.FirstMetricColumn || _header[0] != ResultsSchema.TrialId)
                {
                    throw new InvalidDataException($"{path} is not an hpo results file (its header is: {line})");
                }
                continue;
            }
            if (Parse(line) is { } row)
            {
                rows.Add(row);
            }
        }
        return rows;
    }

    private ResultRow? Parse(string line)
    {
        var f = CsvLine.Split(line);
        var h = _header!;
        if (f.Count < ResultsSchema.FirstMetricColumn
            || !int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var trial)
            || !int.TryParse(f[EpochColumn], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
        {
            return null;
        }
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = ResultsSchema.FirstMetricColumn; i < Math.Min(f.Count, h.Length); i++)
        {
            if (ResultsSchema.IsConfigColumn(h[i]))
            {
                config[ResultsSchema.HyperparameterOf(h[i])] = f[i];
            }
            else if (double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                metrics[h[i]] = v;
            }
        }
        return new ResultRow(trial, Number(f[1]), Number(f[2]), f[3], epoch, metrics, config);
    }

    private static double Number(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
}
