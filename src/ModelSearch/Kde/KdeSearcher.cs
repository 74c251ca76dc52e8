using MathNet.Numerics.Distributions;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.ModelSearch.Encoding;
using OrleansHpo.ModelSearch.History;

namespace OrleansHpo.ModelSearch.Kde;

/// <summary>
/// BOHB's multi-fidelity KDE searcher (Falkner et al. 2018; Syne Tune v0.13 <c>searchers/kde/kde_searcher.py</c>,
/// <c>multi_fidelity_kde_searcher.py</c>): at the highest resource level with enough observations, the best
/// <c>top_n_percent</c> form the good set and the rest the bad set; a KDE is fitted to each; <c>num_candidates</c>
/// are sampled around good points (continuous coordinates from a normal truncated to [0, 1] with the good bandwidth
/// times <c>bandwidth_factor</c>; a choice keeps its value with probability 1 - bandwidth, else is uniform) and the
/// one with the smallest bad/good density ratio that was not started before is suggested. A fraction
/// <c>random_fraction</c> of model-phase suggestions, and every suggestion before a model can be fitted, is random.
/// Coordinates: numbers in [0, 1] as <see cref="ConfigEncoder"/> (log scale for log domains: Syne Tune's KDE maps
/// them linearly), choices as their index. Deterministic: randomness from (seed, trial id) only.
/// </summary>
public sealed class KdeSearcher : ISearcher
{
    private readonly ConfigSpace _space;
    private readonly int _seed;
    private readonly IReadOnlyList<IReadOnlyDictionary<string, object>> _initial;
    private readonly KdeOptions _options;
    private readonly SearchHistory _history;
    private readonly ConfigEncoder _encoder;
    private readonly List<KdeVariable> _variables = [];
    private readonly int _numMinDataPoints;

    /// <summary>Creates the searcher; <paramref name="levels"/> (rung levels and max_t) filter the reports it learns from.</summary>
    public KdeSearcher(ConfigSpace space, Mode mode, int seed, IReadOnlyList<IReadOnlyDictionary<string, object>> initial, KdeOptions options, IReadOnlyCollection<int>? levels)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(options);
        _space = space;
        _seed = seed;
        _initial = initial ?? [];
        _options = options;
        _encoder = new ConfigEncoder(space);
        _history = new SearchHistory(_encoder, mode, levels);
        foreach (var s in _encoder.Slots)
        {
            _variables.Add(s.Domain is ChoiceDomain c ? new KdeVariable(false, c.Values.Count) : new KdeVariable(true, 0));
        }
        _numMinDataPoints = options.NumMinDataPoints ?? _variables.Count;
        if (_numMinDataPoints < _variables.Count)
        {
            throw new ArgumentException($"num_min_data_points = {_numMinDataPoints} must be >= the number of hyperparameters ({_variables.Count})");
        }
    }

    /// <summary>The good and bad densities of the last model suggestion (null before one), for tests and diagnostics.</summary>
    public (ProductKde Good, ProductKde Bad, int Level)? LastModel { get; private set; }

    public Suggestion? Suggest(int trialId, IReadOnlyCollection<int> pending)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trialId);
        if (trialId < _initial.Count)
        {
            return new Suggestion(_initial[trialId], "initial");
        }
        var rng = new Random(SeedHash.Combine(_seed, trialId));
        var models = _variables.Count == 0 ? null : Train();
        if (models is null || rng.NextDouble() < _options.RandomFraction)
        {
            return RandomSuggestion(rng);
        }
        LastModel = models;
        var (good, bad, _) = models.Value;
        IReadOnlyDictionary<string, object>? best = null;
        var bestValue = double.PositiveInfinity;
        var candidate = new double[_variables.Count];
        for (var c = 0; c < _options.NumCandidates; c++)
        {
            var mean = good.Data[rng.Next(good.Data.Count)];
            for (var k = 0; k < _variables.Count; k++)
            {
                var bw = Math.Max(good.Bandwidths[k], _options.MinBandwidth);
                if (_variables[k].Continuous)
                {
                    candidate[k] = TruncatedNormal(mean[k], bw * _options.BandwidthFactor, rng);
                }
                else
                {
                    candidate[k] = rng.NextDouble() < 1 - bw ? mean[k] : rng.Next(_variables[k].Levels);
                }
            }
            var value = Math.Max(1e-32, bad.Pdf(candidate)) / Math.Max(good.Pdf(candidate), 1e-32);
            var config = FromFeatures(candidate);
            if (value < bestValue && !_history.IsDuplicate(config))
            {
                best = config;
                bestValue = value;
            }
        }
        return best is null ? RandomSuggestion(rng) : new Suggestion(best, "model");
    }

    public void OnTrialStarted(int trialId, IReadOnlyDictionary<string, object> config) => _history.Started(trialId, config);

    public void OnReport(int trialId, int resource, double metric) => _history.Report(trialId, resource, metric);

    public void OnTrialStatus(int trialId, SearcherTrialStatus status) => _history.Status(trialId, status);

    /// <summary>Features of a config: [0, 1] coordinates for numbers, the index for choices.</summary>
    internal double[] ToFeatures(IReadOnlyDictionary<string, object> config)
    {
        var x = _encoder.Encode(config);
        var f = new double[_variables.Count];
        var slots = _encoder.Slots;
        for (var k = 0; k < slots.Count; k++)
        {
            var s = slots[k];
            if (_variables[k].Continuous)
            {
                f[k] = x[s.Offset];
            }
            else if (s.Width == 1)
            {
                f[k] = x[s.Offset];
            }
            else
            {
                for (var j = 0; j < s.Width; j++)
                {
                    if (x[s.Offset + j] == 1.0)
                    {
                        f[k] = j;
                    }
                }
            }
        }
        return f;
    }

    internal IReadOnlyDictionary<string, object> FromFeatures(double[] f)
    {
        var x = new double[_encoder.Dimension];
        var slots = _encoder.Slots;
        for (var k = 0; k < slots.Count; k++)
        {
            var s = slots[k];
            if (_variables[k].Continuous || s.Width == 1)
            {
                x[s.Offset] = f[k];
            }
            else
            {
                x[s.Offset + (int)f[k]] = 1.0;
            }
        }
        return _encoder.Decode(x);
    }

    /// <summary>Good and bad KDEs at the highest level whose data is large enough, or null.</summary>
    private (ProductKde, ProductKde, int)? Train()
    {
        var data = _history.Prefix(_history.Count);
        foreach (var group in data.GroupBy(o => o.Resource).OrderByDescending(g => g.Key))
        {
            var count = group.Count();
            var nGood = GoodSize(count);
            if (nGood is null)
            {
                continue;
            }
            // Stable sort by target (ties keep arrival order), like numpy's argsort on distinct values.
            var sorted = group.Select((o, i) => (o, i)).OrderBy(t => t.o.Target).ThenBy(t => t.i).Select(t => t.o).ToList();
            var good = sorted.Take(nGood.Value).Select(o => ToFeatures(_history.Config(o.TrialId))).ToList();
            var bad = sorted.Skip(nGood.Value).Select(o => ToFeatures(_history.Config(o.TrialId))).ToList();
            return (new ProductKde(good, _variables, _options.MinBandwidth), new ProductKde(bad, _variables, _options.MinBandwidth), group.Key);
        }
        return null;
    }

    /// <summary>
    /// Size of the good set for <paramref name="count"/> observations: max(num_min_data_points, top_n_percent * count // 100),
    /// or null when the good or the bad set would not be larger than the number of features.
    /// </summary>
    internal int? GoodSize(int count)
    {
        var nGood = Math.Max(_numMinDataPoints, _options.TopNPercent * count / 100);
        return Math.Min(nGood, count - nGood) <= _variables.Count ? null : nGood;
    }

    private Suggestion RandomSuggestion(Random rng)
    {
        IReadOnlyDictionary<string, object> config = _space.Sample(rng);
        for (var attempt = 0; attempt < 100 && _history.IsDuplicate(config); attempt++)
        {
            config = _space.Sample(rng);
        }
        return new Suggestion(config, "random");
    }

    /// <summary>N(mean, sd) truncated to [0, 1], by inverting the normal CDF.</summary>
    private static double TruncatedNormal(double mean, double sd, Random rng)
    {
        var lo = Normal.CDF(mean, sd, 0.0);
        var hi = Normal.CDF(mean, sd, 1.0);
        var u = lo + (rng.NextDouble() * (hi - lo));
        var x = hi - lo < 1e-300 ? Math.Clamp(mean, 0, 1) : Normal.InvCDF(mean, sd, u);
        return Math.Clamp(double.IsFinite(x) ? x : mean, 0.0, 1.0);
    }
}
