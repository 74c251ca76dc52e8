using System.Text.Json;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Checkpoints;

/// <summary>
/// Keeps the number of trials holding a checkpoint (running, plus paused with a checkpoint) at or below
/// <c>max_num_checkpoints</c> by choosing paused trials whose checkpoints to remove: speculatively (lowest
/// level x P(resumed) first; docs/architecture.md, "Checkpoint budget"), or by the <c>by_level</c> / <c>random</c> baselines. Fed by events only
/// (start, arrival at a rung, pause, promotion, end), so it can live in one single-threaded owner (the experiment
/// grain) and never has to ask a rung or a trial anything. Pure and deterministic: no clock, no I/O; the random
/// baseline draws from a counter-based generator whose position is part of the persisted snapshot.
/// </summary>
/// <remarks>
/// Rung bookkeeping mirrors a promotion-type rung: every arrival is kept, best first, ties to the earlier arrival;
/// promoted entries keep their place. Each arrival at rung r gives one Bernoulli observation per other paused trial
/// with a checkpoint there (1 iff the newcomer is at least as good); it feeds rung r's estimator and the pooled one.
/// A rung's own estimator is used once it has min_data_at_rung observations.
/// </remarks>
public sealed class CheckpointBudget
{
    private readonly CheckpointSpec _spec;
    private readonly Mode _mode;
    private readonly ulong _seed;
    private readonly Dictionary<int, TrialRecord> _trials = [];
    private readonly Dictionary<RungKey, RungBook> _rungs = [];
    private BetaBinomialEstimator _overall;
    private long _nextArrival;
    private ulong _draws;

    public CheckpointBudget(CheckpointSpec spec, Mode mode, int seed)
    {
        _spec = spec;
        _mode = mode;
        _seed = (ulong)(uint)seed;
        _overall = NewEstimator();
    }

    /// <summary>The limit; null means no limit (nothing is ever removed).</summary>
    public int? MaxNumCheckpoints => _spec.MaxNumCheckpoints;

    /// <summary>The removal policy.</summary>
    public CheckpointRemoval Removal => _spec.Removal;

    /// <summary>Checkpoints removed so far.</summary>
    public int NumCheckpointsRemoved { get; private set; }

    /// <summary>Promotions seen (Syne Tune's num_trials_resumed).</summary>
    public int NumTrialsResumed { get; private set; }

    /// <summary>Sum of the levels of trials resumed after their checkpoint had been removed (epochs retrained).</summary>
    public long CostResources { get; private set; }

    /// <summary>Trials resumed although their checkpoint had been removed, with the level they were paused at.</summary>
    public int NumResumedWithoutCheckpoint { get; private set; }

    /// <summary>The pooled estimator (all rungs).</summary>
    public BetaBinomialEstimator OverallEstimator => _overall;

    /// <summary>Trials that hold a checkpoint: running plus paused with a checkpoint.</summary>
    public int HoldingCount => _trials.Values.Count(t => t.Status is CheckpointHolderStatus.Running or CheckpointHolderStatus.PausedWithCheckpoint);

    /// <summary>The budget's view of a trial, or null if it never heard of it.</summary>
    public CheckpointHolderStatus? StatusOf(int trialId) => _trials.TryGetValue(trialId, out var t) ? t.Status : null;

    /// <summary>Trials the budget believes are paused (with or without checkpoint).</summary>
    public IEnumerable<int> PausedTrials() =>
        _trials.Where(kv => kv.Value.Status is CheckpointHolderStatus.PausedWithCheckpoint or CheckpointHolderStatus.PausedWithoutCheckpoint)
            .Select(kv => kv.Key);

    /// <summary>The estimator of a rung (created with the prior on first use).</summary>
    public BetaBinomialEstimator EstimatorFor(RungKey rung) => Book(rung, 0).Estimator;

    /// <summary>p for a rung: its own estimate once it has min_data_at_rung observations, else the pooled one.</summary>
    public double ProbabilityFor(RungKey rung)
    {
        var estimator = _rungs.TryGetValue(rung, out var book) ? book.Estimator : null;
        return estimator is not null && estimator.Total >= _spec.MinDataAtRung
            ? estimator.PosteriorMean
            : _overall.PosteriorMean;
    }

    /// <summary>A new trial starts (it counts as holding a checkpoint from now on).</summary>
    public void OnStarted(int trialId)
    {
        _trials[trialId] = new TrialRecord { Status = CheckpointHolderStatus.Running };
    }

    /// <summary>
    /// A trial's value reached a rung (a new arrival): update the estimators against the other paused trials with a
    /// checkpoint there, then record the entry. A repeated arrival of the same trial is ignored.
    /// </summary>
    public void OnArrival(int trialId, RungKey rung, double quantile, double value)
    {
        if (_spec.Removal == CheckpointRemoval.None)
        {
            // Nothing is ever removed, so the rung books and estimators (which only rank removal candidates) are not
            // kept: the persisted budget is one short row per trial, not every rung entry, and an arrival costs O(1)
            // instead of a pass over its rung. The experiment writes the budget with its state on every decision
            // (docs/benchmarks.md, "bytes per state write").
            return;
        }
        var book = Book(rung, quantile);
        if (book.Contains(trialId))
        {
            return;
        }
        int ones = 0, total = 0;
        foreach (var entry in book.Entries)
        {
            if (entry.TrialId != trialId && _trials.TryGetValue(entry.TrialId, out var other)
                && other.Status == CheckpointHolderStatus.PausedWithCheckpoint && other.PausedAt == rung)
            {
                total++;
                if (AtLeastAsGood(value, entry.Value))
                {
                    ones++;
                }
            }
        }
        if (total > 0)
        {
            book.Estimator.Update(ones, total);
            _overall.Update(ones, total);
        }
        book.Insert(new Entry(trialId, value, false, _nextArrival++), _mode);
    }

    /// <summary>A trial paused at a rung, with the checkpoint it wrote there.</summary>
    public void OnPaused(int trialId, RungKey rung)
    {
        var record = Record(trialId);
        record.Status = CheckpointHolderStatus.PausedWithCheckpoint;
        record.PausedAt = rung;
    }

    /// <summary>
    /// A rung promoted a paused trial: it runs again. Returns the epochs it must retrain (its level) if its checkpoint
    /// had been removed, else 0; those are added to <see cref="CostResources"/>.
    /// </summary>
    public int OnPromoted(int trialId, RungKey rung)
    {
        NumTrialsResumed++;
        if (_rungs.TryGetValue(rung, out var book))
        {
            book.MarkPromoted(trialId);
        }
        var record = Record(trialId);
        int cost = 0;
        if (record.Status == CheckpointHolderStatus.PausedWithoutCheckpoint)
        {
            cost = record.PausedAt?.Level ?? rung.Level;
            CostResources += cost;
            NumResumedWithoutCheckpoint++;
        }
        record.Status = CheckpointHolderStatus.Running;
        record.PausedAt = null;
        return cost;
    }

    /// <summary>A trial stopped, completed or failed.</summary>
    public void OnFinished(int trialId)
    {
        var record = Record(trialId);
        record.Status = CheckpointHolderStatus.Finished;
        record.PausedAt = null;
    }

    /// <summary>
    /// If more trials hold a checkpoint than allowed, choose the excess among the paused trials with a checkpoint
    /// (never more than there are), mark them as paused without checkpoint and return them, lowest score first.
    /// The caller deletes the files.
    /// </summary>
    /// <param name="timeRatio">beta = budget left / budget spent (see <see cref="ResumeProbability.TimeRatio"/>).</param>
    public IReadOnlyList<CheckpointRemovalChoice> TakeRemovals(double timeRatio)
    {
        if (_spec.Removal == CheckpointRemoval.None || _spec.MaxNumCheckpoints is not { } max)
        {
            return [];
        }
        int excess = HoldingCount - max;
        if (excess <= 0)
        {
            return [];
        }
        var candidates = Candidates();
        excess = Math.Min(excess, candidates.Count);
        if (excess == 0)
        {
            return [];
        }
        var chosen = _spec.Removal switch
        {
            CheckpointRemoval.Speculative => Score(candidates, timeRatio)
                .OrderBy(c => c.Score).ThenBy(c => c.Rung.Level).ThenByDescending(c => c.Rank).ThenBy(c => c.TrialId)
                .Take(excess).ToList(),
            CheckpointRemoval.ByLevel => candidates
                .OrderBy(c => c.Rung.Level).ThenByDescending(c => c.Rank).ThenBy(c => c.TrialId)
                .Take(excess).ToList(),
            _ => PickRandom(candidates, excess),
        };
        foreach (var c in chosen)
        {
            _trials[c.TrialId].Status = CheckpointHolderStatus.PausedWithoutCheckpoint;
            NumCheckpointsRemoved++;
        }
        return chosen;
    }

    /// <summary>Scores (level x P(resumed)) of every paused trial with a checkpoint, in trial id order.</summary>
    public IReadOnlyList<CheckpointRemovalChoice> ScoreAll(double timeRatio) => Score(Candidates(), timeRatio);

    /// <summary>The state as JSON, for the owner's persisted state.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Snapshot
    {
        Trials = [.. _trials.OrderBy(kv => kv.Key).Select(kv => new long[]
        {
            kv.Key, (long)kv.Value.Status, kv.Value.PausedAt?.Bracket ?? -1, kv.Value.PausedAt?.Level ?? -1,
        })],
        Rungs = [.. _rungs.OrderBy(kv => kv.Key.Bracket).ThenBy(kv => kv.Key.Level).Select(kv => new SnapshotRung
        {
            Bracket = kv.Key.Bracket,
            Level = kv.Key.Level,
            Quantile = kv.Value.Quantile,
            Ones = kv.Value.Estimator.Ones,
            Total = kv.Value.Estimator.Total,
            Entries = [.. kv.Value.Entries.Select(e => new SnapshotEntry { T = e.TrialId, V = e.Value, P = e.Promoted, A = e.Arrival })],
        })],
        Ones = _overall.Ones,
        Total = _overall.Total,
        NextArrival = _nextArrival,
        Draws = _draws,
        Removed = NumCheckpointsRemoved,
        Resumed = NumTrialsResumed,
        Cost = CostResources,
        ResumedWithout = NumResumedWithoutCheckpoint,
    });

    /// <summary>Rebuilds a budget from <see cref="ToJson"/>'s output.</summary>
    public static CheckpointBudget FromJson(string json, CheckpointSpec spec, Mode mode, int seed)
    {
        var s = JsonSerializer.Deserialize<Snapshot>(json) ?? throw new InvalidDataException("empty checkpoint budget state");
        var budget = new CheckpointBudget(spec, mode, seed);
        budget._overall = new BetaBinomialEstimator(spec.PriorBetaMean, spec.PriorBetaSize, s.Ones, s.Total);
        foreach (var t in s.Trials)
        {
            budget._trials[(int)t[0]] = new TrialRecord
            {
                Status = (CheckpointHolderStatus)t[1],
                PausedAt = t[3] >= 0 ? new RungKey((int)t[2], (int)t[3]) : null,
            };
        }
        foreach (var r in s.Rungs)
        {
            var book = new RungBook(r.Quantile, new BetaBinomialEstimator(spec.PriorBetaMean, spec.PriorBetaSize, r.Ones, r.Total));
            foreach (var e in r.Entries.OrderBy(e => e.A))
            {
                book.Insert(new Entry(e.T, e.V, e.P, e.A), mode);
            }
            budget._rungs[new RungKey(r.Bracket, r.Level)] = book;
        }
        budget._nextArrival = s.NextArrival;
        budget._draws = s.Draws;
        budget.NumCheckpointsRemoved = s.Removed;
        budget.NumTrialsResumed = s.Resumed;
        budget.CostResources = s.Cost;
        budget.NumResumedWithoutCheckpoint = s.ResumedWithout;
        return budget;
    }

    private List<CheckpointRemovalChoice> Candidates()
    {
        var result = new List<CheckpointRemovalChoice>();
        foreach (var (key, book) in _rungs)
        {
            for (int i = 0; i < book.Entries.Count; i++)
            {
                var entry = book.Entries[i];
                if (_trials.TryGetValue(entry.TrialId, out var record)
                    && record.Status == CheckpointHolderStatus.PausedWithCheckpoint && record.PausedAt == key)
                {
                    result.Add(new CheckpointRemovalChoice(entry.TrialId, key, i + 1, book.Entries.Count, 0));
                }
            }
        }
        result.Sort((a, b) => a.TrialId.CompareTo(b.TrialId));
        return result;
    }

    private List<CheckpointRemovalChoice> Score(List<CheckpointRemovalChoice> candidates, double timeRatio)
    {
        var probabilities = new Dictionary<RungKey, double>();
        var scored = new List<CheckpointRemovalChoice>(candidates.Count);
        foreach (var c in candidates)
        {
            if (!probabilities.TryGetValue(c.Rung, out var p))
            {
                p = ProbabilityFor(c.Rung);
                probabilities[c.Rung] = p;
            }
            double quantile = _rungs[c.Rung].Quantile;
            double resumed = ResumeProbability.Compute(c.Rank, c.RungLength, quantile, p, timeRatio, _spec.ApproxSteps);
            scored.Add(c with { Score = c.Rung.Level * resumed });
        }
        return scored;
    }

    private List<CheckpointRemovalChoice> PickRandom(List<CheckpointRemovalChoice> candidates, int count)
    {
        // Partial Fisher-Yates over candidates in trial id order, with a counter-based generator (SplitMix64).
        var pool = new List<CheckpointRemovalChoice>(candidates);
        var chosen = new List<CheckpointRemovalChoice>(count);
        for (int i = 0; i < count; i++)
        {
            int j = i + (int)(NextUnit() * (pool.Count - i));
            (pool[i], pool[j]) = (pool[j], pool[i]);
            chosen.Add(pool[i]);
        }
        return chosen;
    }

    private double NextUnit()
    {
        // The SplitMix64 sequence seeded by the experiment seed: draw n is the finaliser of seed + n * gamma.
        return SplitMix64.ToUnit(SplitMix64.Finalize((_seed << 32 ^ 0x5DEECE66DUL) + SplitMix64.Gamma * ++_draws));
    }

    private bool AtLeastAsGood(double value, double other) => _mode == Mode.Min ? value <= other : value >= other;

    private BetaBinomialEstimator NewEstimator() => new(_spec.PriorBetaMean, _spec.PriorBetaSize);

    private RungBook Book(RungKey rung, double quantile)
    {
        if (!_rungs.TryGetValue(rung, out var book))
        {
            book = new RungBook(quantile, NewEstimator());
            _rungs[rung] = book;
        }
        return book;
    }

    private TrialRecord Record(int trialId)
    {
        if (!_trials.TryGetValue(trialId, out var record))
        {
            record = new TrialRecord { Status = CheckpointHolderStatus.Running };
            _trials[trialId] = record;
        }
        return record;
    }

    private sealed class TrialRecord
    {
        public CheckpointHolderStatus Status { get; set; }
        public RungKey? PausedAt { get; set; }
    }

    private readonly record struct Entry(int TrialId, double Value, bool Promoted, long Arrival);

    /// <summary>A rung's entries, best first, ties to the earlier arrival (as a promotion-type rung orders them).</summary>
    private sealed class RungBook(double quantile, BetaBinomialEstimator estimator)
    {
        private readonly HashSet<int> _ids = [];

        public double Quantile { get; } = quantile;

        public BetaBinomialEstimator Estimator { get; } = estimator;

        public List<Entry> Entries { get; } = [];

        public bool Contains(int trialId) => _ids.Contains(trialId);

        public void Insert(Entry entry, Mode mode)
        {
            if (!_ids.Add(entry.TrialId))
            {
                return;
            }
            // Binary search for the first entry that ranks after the new one (worse value, or equal value and later arrival).
            int lo = 0, hi = Entries.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (RanksBefore(Entries[mid], entry, mode))
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            Entries.Insert(lo, entry);
        }

        public void MarkPromoted(int trialId)
        {
            int i = Entries.FindIndex(e => e.TrialId == trialId);
            if (i >= 0)
            {
                Entries[i] = Entries[i] with { Promoted = true };
            }
        }

        private static bool RanksBefore(Entry a, Entry b, Mode mode)
        {
            // NaN sorts last, as in numpy.
            if (double.IsNaN(a.Value) || double.IsNaN(b.Value))
            {
                return double.IsNaN(a.Value) == double.IsNaN(b.Value) ? a.Arrival < b.Arrival : !double.IsNaN(a.Value);
            }
            if (a.Value != b.Value)
            {
                return mode == Mode.Min ? a.Value < b.Value : a.Value > b.Value;
            }
            return a.Arrival < b.Arrival;
        }
    }

    private sealed class Snapshot
    {
        public List<long[]> Trials { get; set; } = [];
        public List<SnapshotRung> Rungs { get; set; } = [];
        public long Ones { get; set; }
        public long Total { get; set; }
        public long NextArrival { get; set; }
        public ulong Draws { get; set; }
        public int Removed { get; set; }
        public int Resumed { get; set; }
        public long Cost { get; set; }
        public int ResumedWithout { get; set; }
    }

    private sealed class SnapshotRung
    {
        public int Bracket { get; set; }
        public int Level { get; set; }
        public double Quantile { get; set; }
        public long Ones { get; set; }
        public long Total { get; set; }
        public List<SnapshotEntry> Entries { get; set; } = [];
    }

    private sealed class SnapshotEntry
    {
        public int T { get; set; }
        public double V { get; set; }
        public bool P { get; set; }
        public long A { get; set; }
    }
}
