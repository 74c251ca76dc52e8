using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.ModelSearch.Acquisition;
using OrleansHpo.ModelSearch.Encoding;
using OrleansHpo.ModelSearch.Gp;
using OrleansHpo.ModelSearch.History;

namespace OrleansHpo.ModelSearch.Bayesopt;

/// <summary>
/// MOBSTER's searcher (Klein et al. 2020; Syne Tune v0.13 <c>gp_multifidelity_searcher.py</c>): points_to_evaluate,
/// then <c>num_init_random</c> random configs, then the config maximizing expected improvement under a GP over
/// (config, resource) at the acquisition resource (<c>resource_acq = bohb</c>), with pending trials fantasized.
/// Deterministic: a suggestion is a function of the seed, the trial id and the observations in arrival order
/// (see <see cref="RefitSchedule"/>); randomness comes from generators seeded by (seed, trial id) or (seed, data size).
/// Not thread-safe: the runtime calls one member at a time.
/// </summary>
public sealed class BayesOptSearcher : ISearcher
{
    private readonly ConfigSpace _space;
    private readonly int _seed;
    private readonly IReadOnlyList<IReadOnlyDictionary<string, object>> _initial;
    private readonly BayesOptOptions _options;
    private readonly IReadOnlyList<int> _levels;
    private readonly int _maxResource;
    private readonly SearchHistory _history;
    private readonly HashSet<int> _pausedOrEnded = [];
    private (int FitPoint, IReadOnlyList<int> Levels, double[] Theta)? _lastFit;

    /// <summary>Creates the searcher.</summary>
    /// <param name="space">Config space.</param>
    /// <param name="mode">Whether the metric is minimized or maximized.</param>
    /// <param name="seed">Searcher seed.</param>
    /// <param name="initial">Resolved points_to_evaluate (complete configs).</param>
    /// <param name="options">Options (Syne Tune's defaults when default).</param>
    /// <param name="rungLevels">Resource levels whose reports the model learns from (rung levels and max_t).</param>
    /// <param name="maxResource">max_t.</param>
    public BayesOptSearcher(
        ConfigSpace space,
        Mode mode,
        int seed,
        IReadOnlyList<IReadOnlyDictionary<string, object>> initial,
        BayesOptOptions options,
        IReadOnlyList<int> rungLevels,
        int maxResource)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rungLevels);
        _space = space;
        _seed = seed;
        _initial = initial ?? [];
        _options = options;
        _maxResource = maxResource;
        _levels = [.. rungLevels.Append(maxResource).Where(r => r >= 1 && r <= maxResource).Distinct().Order()];
        Encoder = new ConfigEncoder(space);
        _history = new SearchHistory(Encoder, mode, _levels);
    }

    public ConfigEncoder Encoder { get; }

    /// <summary>Milliseconds of the last hyperparameter fit made by a Suggest (0 when it reused one).</summary>
    public double LastFitMilliseconds { get; private set; }

    /// <summary>Milliseconds of the last posterior + fantasies + acquisition optimization.</summary>
    public double LastAcquisitionMilliseconds { get; private set; }

    /// <summary>Criterion evaluations (likelihood + gradient) of the last fit made by a Suggest.</summary>
    public int LastFitEvaluations { get; private set; }

    /// <summary>Hyperparameter fits done so far by this instance.</summary>
    public int Fits { get; private set; }

    /// <summary>The hyperparameters of the last fit (names from the model), for diagnostics.</summary>
    public double[]? LastTheta => _lastFit?.Theta;

    public Suggestion? Suggest(int trialId, IReadOnlyCollection<int> pending)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trialId);
        LastFitMilliseconds = 0;
        LastFitEvaluations = 0;
        LastAcquisitionMilliseconds = 0;
        if (trialId < _initial.Count)
        {
            return new Suggestion(_initial[trialId], "initial");
        }
        var rng = new Random(SeedHash.Combine(_seed, trialId));
        if (_history.TrialsStarted < _initial.Count + _options.NumInitRandom || _history.Count == 0 || Encoder.Dimension == 0)
        {
            return RandomSuggestion(rng);
        }
        return ModelSuggestion(trialId, pending ?? [], rng) ?? RandomSuggestion(rng);
    }

    public void OnTrialStarted(int trialId, IReadOnlyDictionary<string, object> config) => _history.Started(trialId, config);

    public void OnReport(int trialId, int resource, double metric) => _history.Report(trialId, resource, metric);

    public void OnTrialStatus(int trialId, SearcherTrialStatus status)
    {
        _history.Status(trialId, status);
        if (status == SearcherTrialStatus.Resumed)
        {
            _pausedOrEnded.Remove(trialId);
        }
        else
        {
            _pausedOrEnded.Add(trialId);
        }
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

    private Suggestion? ModelSuggestion(int trialId, IReadOnlyCollection<int> pending, Random rng)
    {
        var n = _history.Count;
        var data = _history.Prefix(n);
        var theta = HyperparametersFor(n, data, out var model);
        var sw = Stopwatch.StartNew();

        var capped = DataCap.Apply(data, _options.MaxSizeDataForModel, new Random(SeedHash.Combine(_seed, -n - 1)));
        var inputs = capped.Select(o => new GpInput(_history.Encoded(o.TrialId), o.Resource)).ToList();
        var y = Normalize(capped.Select(o => o.Target).ToArray());
        var rAcq = AcquisitionResource(capped);

        // Pending trials (running, not paused) are fantasized at their next level (Syne Tune registers a pending
        // evaluation at the next rung level of a running trial).
        var pendingInputs = new List<GpInput>();
        foreach (var id in pending.Order())
        {
            if (_pausedOrEnded.Contains(id) || !_history.TryGetTrial(id, out _, out _, out var highest))
            {
                continue;
            }
            var next = _levels.FirstOrDefault(l => l > highest);
            if (next == 0 || !ModelKnowsLevel(model, next))
            {
                continue;
            }
            pendingInputs.Add(new GpInput(_history.Encoded(id), next));
        }

        var observed = new GpPosterior(model, theta, inputs, Matrix<double>.Build.DenseOfColumnArrays(y));
        GpPosterior posterior;
        List<GpInput> allInputs;
        if (pendingInputs.Count == 0)
        {
            posterior = observed;
            allInputs = inputs;
        }
        else
        {
            var fantasyRng = new Random(SeedHash.Combine(SeedHash.Combine(_seed, trialId), 2));
            var samples = _options.NumFantasySamples;
            var fantasies = observed.SampleTargets(pendingInputs, samples, fantasyRng);
            var targets = Matrix<double>.Build.Dense(inputs.Count + pendingInputs.Count, samples);
            for (var i = 0; i < inputs.Count; i++)
            {
                for (var s = 0; s < samples; s++)
                {
                    targets[i, s] = y[i];
                }
            }
            for (var p = 0; p < pendingInputs.Count; p++)
            {
                for (var s = 0; s < samples; s++)
                {
                    targets[inputs.Count + p, s] = fantasies[p, s];
                }
            }
            allInputs = [.. inputs, .. pendingInputs];
            posterior = new GpPosterior(model, theta, allInputs, targets);
        }

        // Incumbent per sample: the lowest posterior mean among inputs at the acquisition level.
        var bests = Enumerable.Repeat(double.PositiveInfinity, posterior.Samples).ToArray();
        var means = new double[posterior.Samples];
        foreach (var input in allInputs.Where(i => i.Resource == rAcq))
        {
            posterior.Predict(input, means);
            for (var s = 0; s < means.Length; s++)
            {
                bests[s] = Math.Min(bests[s], means[s]);
            }
        }

        double Score(double[] x)
        {
            var variance = posterior.Predict(new GpInput(x, rAcq), means);
            return ExpectedImprovement.Average(means, Math.Sqrt(variance), bests, _options.EiJitter);
        }

        // Candidates: random configs not started before (allow_duplicates = False), scored by EI.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        double[]? bestX = null;
        IReadOnlyDictionary<string, object>? bestConfig = null;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < _options.NumInitCandidates; c++)
        {
            var config = _space.Sample(rng);
            if (_history.IsDuplicate(config) || !seen.Add(Encoder.Key(config)))
            {
                continue;
            }
            var x = Encoder.Encode(config);
            var score = Score(x);
            if (score > bestScore)
            {
                (bestScore, bestX, bestConfig) = (score, x, config);
            }
        }
        if (bestX is null || bestConfig is null)
        {
            LastAcquisitionMilliseconds = sw.Elapsed.TotalMilliseconds;
            return null;
        }
        if (!_options.SkipLocalOptimization)
        {
            (bestConfig, bestScore) = LocalSearch(bestConfig, bestX, bestScore, Score, seen, rng);
        }
        LastAcquisitionMilliseconds = sw.Elapsed.TotalMilliseconds;
        return new Suggestion(bestConfig, "model");
    }

    /// <summary>
    /// Hill climbing on the acquisition from the best candidate: Gaussian steps in the encoded space (numbers; a choice
    /// flips to a random value with probability 1/d), decoded to valid configs, duplicates excluded; the step shrinks
    /// when a round of 8 neighbours brings no improvement. Syne Tune runs L-BFGS on the encoded acquisition instead
    /// (<c>bo_algorithm_components.py</c>, <c>LBFGSOptimizeAcquisition</c>); ours needs no acquisition gradient and
    /// handles integers and choices directly.
    /// </summary>
    private (IReadOnlyDictionary<string, object>, double) LocalSearch(
        IReadOnlyDictionary<string, object> config, double[] x, double score, Func<double[], double> acquisition, HashSet<string> seen, Random rng)
    {
        var step = 0.1;
        var slots = Encoder.Slots;
        for (var round = 0; round < 30 && step > 0.005; round++)
        {
            var improved = false;
            for (var k = 0; k < 8; k++)
            {
                var candidate = (double[])x.Clone();
                foreach (var s in slots)
                {
                    if (s.Domain is ChoiceDomain c)
                    {
                        if (rng.NextDouble() < 1.0 / slots.Count)
                        {
                            var v = rng.Next(c.Values.Count);
                            if (s.Width == 1)
                            {
                                candidate[s.Offset] = v;
                            }
                            else
                            {
                                for (var j = 0; j < s.Width; j++)
                                {
                                    candidate[s.Offset + j] = j == v ? 1.0 : 0.0;
                                }
                            }
                        }
                    }
                    else
                    {
                        candidate[s.Offset] = Math.Clamp(candidate[s.Offset] + (step * GpPosterior.StandardNormal(rng)), 0.0, 1.0);
                    }
                }
                var decoded = Encoder.Decode(candidate);
                if (_history.IsDuplicate(decoded) || !seen.Add(Encoder.Key(decoded)))
                {
                    continue;
                }
                var xs = Encoder.Encode(decoded);
                var sc = acquisition(xs);
                if (sc > score)
                {
                    (score, x, config, improved) = (sc, xs, decoded, true);
                }
            }
            if (!improved)
            {
                step *= 0.5;
            }
        }
        return (config, score);
    }

    private double[] HyperparametersFor(int n, List<Observation> data, out CovarianceModel model)
    {
        var fitPoint = RefitSchedule.FitPoint(n, _options.OptSkipInitLength, _options.OptSkipPeriod);
        var levelsNow = data.Select(o => o.Resource).Distinct().Order().ToList();
        model = CreateModel(levelsNow);
        if (_lastFit is { } last && last.FitPoint == fitPoint)
        {
            return Transfer(last.Levels, last.Theta, model);
        }
        var sw = Stopwatch.StartNew();
        var fitData = DataCap.Apply(data.GetRange(0, fitPoint), Math.Min(_options.MaxSizeDataForModel, _options.OptFitMaxSize), new Random(SeedHash.Combine(_seed, fitPoint)));
        var fitLevels = fitData.Select(o => o.Resource).Distinct().Order().ToList();
        var fitModel = CreateModel(fitLevels);
        var inputs = fitData.Select(o => new GpInput(_history.Encoded(o.TrialId), o.Resource)).ToList();
        var y = Normalize(fitData.Select(o => o.Target).ToArray());
        var result = HyperparameterFit.Fit(fitModel, inputs, y, _options.OptNStarts, _options.OptMaxIter, SeedHash.Combine(_seed, fitPoint));
        _lastFit = (fitPoint, fitLevels, result.Theta);
        Fits++;
        LastFitEvaluations = result.Evaluations;
        LastFitMilliseconds = sw.Elapsed.TotalMilliseconds;
        return Transfer(fitLevels, result.Theta, model);
    }

    /// <summary>Hyperparameters of a model fitted on other levels, by name; levels it did not see start at their initial values.</summary>
    private double[] Transfer(IReadOnlyList<int> fromLevels, double[] theta, CovarianceModel to)
    {
        var from = CreateModel(fromLevels);
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < from.Names.Count; i++)
        {
            byName[from.Names[i]] = theta[i];
        }
        var result = (double[])to.Initial.Clone();
        for (var i = 0; i < to.Names.Count; i++)
        {
            if (byName.TryGetValue(to.Names[i], out var v))
            {
                result[i] = v;
            }
        }
        return result;
    }

    private CovarianceModel CreateModel(IReadOnlyList<int> dataLevels) => _options.Model switch
    {
        "gp_independent" => new IndependentLevelsModel(Encoder.Dimension, dataLevels.Count == 0 ? [_levels[0]] : dataLevels),
        _ => new ExpDecayMultiTaskModel(Encoder.Dimension, 1, _maxResource),
    };

    private static bool ModelKnowsLevel(CovarianceModel model, int level) =>
        model is not IndependentLevelsModel || model.Names.Contains($"mean_r{level}");

    /// <summary>resource_acq = "bohb": the largest level with at least the threshold of observations, else the lowest.</summary>
    private int AcquisitionResource(List<Observation> data)
    {
        var counts = data.GroupBy(o => o.Resource).Select(g => (Level: g.Key, Count: g.Count())).OrderBy(t => t.Level).ToList();
        for (var i = counts.Count - 1; i >= 0; i--)
        {
            if (counts[i].Count >= _options.ResourceAcqBohbThreshold)
            {
                return counts[i].Level;
            }
        }
        return counts[0].Level;
    }

    /// <summary>normalize_targets: zero mean, unit standard deviation (std below 1e-9 counts as 1).</summary>
    internal static double[] Normalize(double[] y)
    {
        var mean = y.Average();
        var variance = y.Sum(v => (v - mean) * (v - mean)) / y.Length;
        var std = Math.Sqrt(variance);
        if (std < 1e-9)
        {
            std = 1.0;
        }
        return [.. y.Select(v => (v - mean) / std)];
    }
}
