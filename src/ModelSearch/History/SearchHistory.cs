using OrleansHpo.Core.Spec;
using OrleansHpo.ModelSearch.Encoding;
using OrleansHpo.Core.Search;

namespace OrleansHpo.ModelSearch.History;

/// <summary>
/// What a model-based searcher has seen, in arrival order: each trial's config (encoded), its observations, whether
/// it is paused or ended. Metric values are stored as targets to minimize (negated in max mode). Only observations at
/// <see cref="Levels"/> are kept when levels are given (Syne Tune's <c>searcher_data = "rungs"</c>); a second report
/// of the same trial and resource replaces the value and keeps its place in the order.
/// </summary>
public sealed class SearchHistory
{
    private readonly Dictionary<int, TrialRecord> _trials = [];
    private readonly List<(int TrialId, int Resource)> _order = [];
    private readonly HashSet<string> _configKeys = new(StringComparer.Ordinal);
    private readonly HashSet<int>? _levels;

    public SearchHistory(ConfigEncoder encoder, Mode mode, IReadOnlyCollection<int>? levels)
    {
        Encoder = encoder;
        Mode = mode;
        _levels = levels is null ? null : [.. levels];
    }

    public ConfigEncoder Encoder { get; }

    public Mode Mode { get; }

    public IReadOnlyCollection<int>? Levels => _levels;

    /// <summary>Trials started (OnTrialStarted calls), counting each trial once.</summary>
    public int TrialsStarted => _trials.Count;

    /// <summary>Number of kept observations.</summary>
    public int Count => _order.Count;

    public void Started(int trialId, IReadOnlyDictionary<string, object> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (_trials.ContainsKey(trialId))
        {
            return;
        }
        _trials[trialId] = new TrialRecord(config, Encoder.Encode(config));
        _configKeys.Add(Encoder.Key(config));
    }

    public void Report(int trialId, int resource, double metric)
    {
        if (!_trials.TryGetValue(trialId, out var t) || !double.IsFinite(metric))
        {
            return;
        }
        if (_levels is not null && !_levels.Contains(resource))
        {
            return;
        }
        var target = Mode == Mode.Max ? -metric : metric;
        if (!t.Values.ContainsKey(resource))
        {
            _order.Add((trialId, resource));
        }
        t.Values[resource] = target;
    }

    public void Status(int trialId, SearcherTrialStatus status)
    {
        if (!_trials.TryGetValue(trialId, out var t))
        {
            return;
        }
        t.Paused = status == SearcherTrialStatus.Paused;
        t.Ended = status is SearcherTrialStatus.Stopped or SearcherTrialStatus.Completed or SearcherTrialStatus.Failed;
    }

    /// <summary>Whether a config with these tunable values was started already.</summary>
    public bool IsDuplicate(IReadOnlyDictionary<string, object> config) => _configKeys.Contains(Encoder.Key(config));

    /// <summary>The first <paramref name="count"/> kept observations in arrival order (current values).</summary>
    public List<Observation> Prefix(int count)
    {
        var list = new List<Observation>(Math.Min(count, _order.Count));
        for (var i = 0; i < count && i < _order.Count; i++)
        {
            var (id, r) = _order[i];
            list.Add(new Observation(id, r, _trials[id].Values[r]));
        }
        return list;
    }

    public double[] Encoded(int trialId) => _trials[trialId].X;

    public IReadOnlyDictionary<string, object> Config(int trialId) => _trials[trialId].Config;

    public bool TryGetTrial(int trialId, out bool paused, out bool ended, out int highestResource)
    {
        if (_trials.TryGetValue(trialId, out var t))
        {
            paused = t.Paused;
            ended = t.Ended;
            highestResource = t.Values.Count == 0 ? 0 : t.Values.Keys.Max();
            return true;
        }
        paused = ended = false;
        highestResource = 0;
        return false;
    }

    private sealed class TrialRecord(IReadOnlyDictionary<string, object> config, double[] x)
    {
        public IReadOnlyDictionary<string, object> Config { get; } = config;

        public double[] X { get; } = x;

        public Dictionary<int, double> Values { get; } = [];

        public bool Paused { get; set; }

        public bool Ended { get; set; }
    }
}
