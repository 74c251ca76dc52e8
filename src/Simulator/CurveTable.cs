using System.Globalization;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Training;
using OrleansHpo.Core.Text;

using OrleansHpo.Results;

namespace OrleansHpo.Simulator;

/// <summary>
/// Learning curves from a CSV table, replayed by the simulator instead of a trainable: trial i of the simulation is
/// the table's i-th trial (its config_ columns are the config, so the table is also the searcher; the search is
/// exhausted when the table is). Columns: trial_id, the resource column (e.g. epoch), the metric columns, optional
/// config_NAME columns, and optionally epoch_seconds or st_worker_time for the time each epoch took. A results.csv
/// written by hpo is such a table. Past a curve's last epoch the trial keeps reporting its last values.
/// </summary>
public sealed class CurveTable : TrialIdSearcher, ITrainableFactory
{
    private readonly List<Curve> _curves;

    private CurveTable(List<Curve> curves, IReadOnlyList<string> metrics)
    {
        _curves = curves;
        MetricNames = metrics;
    }

    public string Name => "curve-table";

    public IReadOnlyList<string> MetricNames { get; }

    public string Description => "Learning curves replayed from a CSV table.";

    /// <summary>Number of trials in the table.</summary>
    public int Count => _curves.Count;

    /// <summary>Reads a table; errors name the file and the missing column.</summary>
    public static CurveTable Load(string path, string resourceAttr, string metric)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"curves: no file at {Path.GetFullPath(path)}", path);
        }
        using var reader = new StreamReader(path);
        var header = CsvLine.Split(reader.ReadLine() ?? "");
        int trialCol = header.IndexOf(ResultsSchema.TrialId);
        int epochCol = header.IndexOf(resourceAttr);
        if (trialCol < 0 || epochCol < 0 || !header.Contains(metric))
        {
            throw new InvalidDataException($"curves: {path} needs the columns trial_id, {resourceAttr} and {metric} (it has: {string.Join(", ", header)})");
        }
        int secondsCol = header.IndexOf("epoch_seconds");
        int workerCol = header.IndexOf(ResultsSchema.WorkerTime);
        var metricCols = header.Select((h, i) => (h, i))
            .Where(p => p.i != trialCol && p.i != epochCol && p.i != secondsCol && !ResultsSchema.IsConfigColumn(p.h)
                        && p.h is not (ResultsSchema.TunerTime or ResultsSchema.WorkerTime or ResultsSchema.Decision))
            .ToList();
        var configCols = header.Select((h, i) => (h, i)).Where(p => ResultsSchema.IsConfigColumn(p.h)).ToList();
        var byTrial = new SortedDictionary<int, Curve>();
        string? line;
        int lineNo = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }
            var f = CsvLine.Split(line);
            if (f.Count < header.Count
                || !int.TryParse(f[trialCol], NumberStyles.Integer, CultureInfo.InvariantCulture, out var trial)
                || !int.TryParse(f[epochCol], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
            {
                throw new InvalidDataException($"curves: {path} line {lineNo} has no integer trial_id / {resourceAttr}");
            }
            if (!byTrial.TryGetValue(trial, out var curve))
            {
                curve = new Curve(configCols.ToDictionary(c => ResultsSchema.HyperparameterOf(c.h), c => ParseValue(f[c.i])));
                byTrial[trial] = curve;
            }
            var metrics = new Dictionary<string, double>();
            foreach (var (h, i) in metricCols)
            {
                if (double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    metrics[h] = v;
                }
            }
            double seconds = secondsCol >= 0 && double.TryParse(f[secondsCol], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s
                : workerCol >= 0 && double.TryParse(f[workerCol], NumberStyles.Float, CultureInfo.InvariantCulture, out var w) ? w
                : double.NaN;
            curve.Epochs[epoch] = (metrics, seconds, secondsCol >= 0);
        }
        if (byTrial.Count == 0)
        {
            throw new InvalidDataException($"curves: {path} has no rows");
        }
        return new CurveTable([.. byTrial.Values], [.. metricCols.Select(c => c.h)]);
    }

    protected override Suggestion? ConfigOf(int trialId) => trialId < _curves.Count ? new Suggestion(_curves[trialId].Config, "table") : null;

    public ITrainable Create() => new Replay(this);

    /// <summary>Seconds each epoch took: epoch_seconds, else differences of st_worker_time, else <paramref name="fallback"/>.</summary>
    public EpochTimer Timer(double fallback) => (trialId, _, epoch) =>
    {
        var curve = _curves[trialId % _curves.Count];
        if (!curve.Epochs.TryGetValue(epoch, out var e) || double.IsNaN(e.Seconds))
        {
            return fallback;
        }
        if (e.Direct)
        {
            return e.Seconds;
        }
        // st_worker_time counts from the start of the run that trained the epoch: a drop marks a new run.
        double previous = curve.Epochs.TryGetValue(epoch - 1, out var p) && p.Seconds <= e.Seconds ? p.Seconds : 0;
        double d = e.Seconds - previous;
        return d > 0 ? d : fallback;
    };

    private static object ParseValue(string s) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l
        : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
        : s;

    private sealed class Curve(Dictionary<string, object> config)
    {
        public IReadOnlyDictionary<string, object> Config { get; } = config;
        public SortedDictionary<int, (Dictionary<string, double> Metrics, double Seconds, bool Direct)> Epochs { get; } = [];
    }

    private sealed class Replay(CurveTable table) : ITrainable
    {
        private Curve? _curve;
        private int _epoch;

        public void Setup(TrialContext context) => _curve = table._curves[context.TrialId % table._curves.Count];

        public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
        {
            var epochs = _curve!.Epochs;
            _epoch = epoch;
            if (epochs.TryGetValue(epoch, out var e))
            {
                return e.Metrics;
            }
            var last = epochs.Keys.Where(k => k <= epoch).DefaultIfEmpty(epochs.Keys.First()).Max();
            return epochs[last].Metrics;
        }

        public void SaveCheckpoint(Stream destination)
        {
            using var w = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
            w.Write(_epoch);
        }

        public void LoadCheckpoint(Stream source)
        {
            using var r = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
            _epoch = r.ReadInt32();
        }

        public void Dispose()
        {
        }
    }
}
