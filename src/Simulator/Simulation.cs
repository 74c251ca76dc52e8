using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHpo.Core.Scheduling;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.Results;
using OrleansHpo.Grains.State;

namespace OrleansHpo.Simulator;

/// <summary>
/// Runs an experiment's scheduler on a simulated clock: a discrete-event loop (one event per trained epoch) that
/// mirrors the decisions of ExperimentGrain (slots, promotions first, new trials, stop criteria), RungGrain
/// (AsyncRung / SyncRung) and TrialGrain (decision at each rung level, pause at the milestone, stop at max_t), in the
/// order the grains take them when trials finish one at a time. Trainables run for real (without sleeping); only
/// time is simulated: each epoch takes <see cref="EpochTimer"/> seconds. Writes the same results.csv and
/// metadata.json as a real run, so every results verb works on it.
/// </summary>
/// <remarks>
/// Differences from a real run, by design: no scheduling overhead or message latency (decisions are instant),
/// every epoch's report is recorded at once (a real run batches reports between decision epochs), and a trial
/// stays "in memory" while paused (its checkpoint is the trainable's own SaveCheckpoint bytes, kept in memory).
/// </remarks>
public sealed class Simulation
{
    private readonly ExperimentSpec _spec;
    private readonly ITrainableFactory _factory;
    private readonly EpochTimer _epochSeconds;
    private readonly SchedulerLayout _layout;
    private readonly SearcherJournal _searcher;
    private readonly ExperimentState _s = new();
    private readonly Dictionary<string, AsyncRung> _asyncRungs = [];
    private readonly Dictionary<string, SyncRung> _syncRungs = [];
    private readonly Dictionary<int, SimTrial> _trials = [];
    private readonly PriorityQueue<(int TrialId, int RunId), (double Time, long Seq)> _events = new();
    private readonly List<EpochReport> _pending = [];
    private readonly DateTime _startUtc = DateTime.UtcNow;
    private ResultsWriter? _results;
    private long _seq;
    private double _now;

    public Simulation(ExperimentSpec spec, ITrainableFactory factory, EpochTimer epochSeconds, ISearcher? searcher = null,
        IEnumerable<ISearcherProvider>? searcherProviders = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        _factory = factory;
        _epochSeconds = epochSeconds;
        _layout = new SchedulerLayout(spec);
        _searcher = new SearcherJournal(searcher ?? SearcherFactory.Create(spec, searcherProviders), path: null);
    }

    /// <summary>Epoch time for the synthetic trainable: its <c>delay_ms</c>, else <paramref name="fallbackSeconds"/>.</summary>
    public static EpochTimer DelayMsTimer(double fallbackSeconds) => (_, config, _) =>
        config.TryGetValue("delay_ms", out var v) && Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) is > 0 and var ms
            ? ms / 1000.0
            : fallbackSeconds;

    /// <summary>Runs to the end and writes DIR/results.csv and DIR/metadata.json.</summary>
    public SimulationResult Run(string directory)
    {
        var wall = Stopwatch.StartNew();
        Directory.CreateDirectory(directory);
        var csv = Path.Combine(directory, "results.csv");
        File.Delete(csv);
        var metrics = _factory.MetricNames.Contains(_spec.Metric) ? _factory.MetricNames : [_spec.Metric, .. _factory.MetricNames];
        using (_results = new ResultsWriter(csv, _spec.ResourceAttr, metrics, _spec.ConfigSpace.AllNames))
        {
            _s.SpecJson = _spec.SourceJson;
            _s.ResultsDir = directory;
            _s.Phase = ExperimentPhase.Running;
            _s.CreatedUtc = _startUtc;
            FillSlots();
            AfterChange();
            while (_s.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping)
            {
                if (!_events.TryPeek(out _, out var at))
                {
                    Finish(); // nothing runs and nothing can start
                    break;
                }
                if (_s.Phase == ExperimentPhase.Running && _spec.Stop.MaxWallclockSeconds is { } limit && at.Time >= limit)
                {
                    _now = limit; // the experiment's timer fires before the next epoch ends
                    BeginStop("max_wallclock_seconds");
                    AfterChange();
                    continue;
                }
                var (trialId, runId) = _events.Dequeue();
                _now = at.Time;
                OnEpochEnd(trialId, runId);
            }
            Flush();
        }
        _s.ElapsedSeconds = _now;
        WriteMetadata(directory, wall.Elapsed.TotalSeconds);
        return new SimulationResult(directory, _now, wall.Elapsed.TotalSeconds, _s.Started, _s.Completed, _s.Stopped, _s.Paused,
            _s.Failed, _s.Promotions, _s.Reports, _s.BestTrialId, _s.BestValue, _s.StopReason ?? "");
    }

    // ---- TrialGrain + TrialRun: one epoch ends -------------------------------------------------------------

    private void OnEpochEnd(int trialId, int runId)
    {
        var t = _trials[trialId];
        if (t.RunId != runId || t.Trainable is null)
        {
            return; // a run that was stopped
        }
        int epoch = t.LastEpoch + 1;
        IReadOnlyDictionary<string, double> metrics;
        try
        {
            metrics = t.Trainable.TrainEpoch(epoch, CancellationToken.None);
            if (!metrics.TryGetValue(_spec.Metric, out var v) || !double.IsFinite(v))
            {
                throw new InvalidOperationException($"{_spec.Metric} is missing or not finite at epoch {epoch}");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            EndRun(t);
            t.Status = TrialStatus.Failed;
            LeftSlot(trialId, TrialStatus.Failed);
            AfterChange();
            return;
        }
        double value = metrics[_spec.Metric];
        var decision = TrialDecision.Continue;
        if (epoch >= _spec.Scheduler.MaxT)
        {
            decision = TrialDecision.Stop;
        }
        else if (Array.Find(t.Rungs, r => r.Level == epoch) is { } rung)
        {
            decision = OnResult(rung, trialId, value);
        }
        if (decision == TrialDecision.Continue && epoch >= t.Milestone)
        {
            decision = TrialDecision.Pause;
        }
        t.LastEpoch = epoch;
        _pending.Add(new EpochReport(trialId, epoch, new Dictionary<string, double>(metrics), _startUtc.AddTicks((long)Math.Round(_now * TimeSpan.TicksPerSecond)), _now - t.RunStart, decision));
        Record(trialId, epoch, value);
        _searcher.Report(trialId, epoch, value);
        if (decision == TrialDecision.Continue)
        {
            Schedule(t, epoch + 1);
            AfterChange(); // a report alone can meet metric_threshold
            return;
        }
        if (decision == TrialDecision.Pause)
        {
            using var checkpoint = new MemoryStream();
            t.Trainable.SaveCheckpoint(checkpoint);
            t.Checkpoint = checkpoint.ToArray();
        }
        EndRun(t);
        var outcome = decision == TrialDecision.Pause ? TrialStatus.Paused : epoch >= _spec.Scheduler.MaxT ? TrialStatus.Completed : TrialStatus.Stopped;
        t.Status = outcome;
        if (outcome != TrialStatus.Paused)
        {
            t.Checkpoint = null;
        }
        LeftSlot(trialId, outcome);
        AfterChange();
    }

    private TrialDecision OnResult(RungConfig config, int trialId, double value)
    {
        if (config.Kind == RungKind.Stopping)
        {
            return Async(config).OnResultStopping(trialId, value) ? TrialDecision.Continue : TrialDecision.Stop;
        }
        if (config.Kind == RungKind.Promotion)
        {
            Async(config).Add(trialId, value);
        }
        else
        {
            Sync(config).Add(trialId, value);
        }
        return TrialDecision.Pause;
    }

    private void StartRun(SimTrial t, int milestone, int runId)
    {
        t.RunId = runId;
        t.Milestone = milestone;
        t.Status = TrialStatus.Running;
        t.RunStart = _now;
        var config = new Dictionary<string, object>(t.Config);
        if (_spec.MaxResourceAttr is { } attr)
        {
            config[attr] = (long)milestone;
        }
        var trainable = _factory.Create();
        if (trainable is SyntheticTrainable)
        {
            trainable.Dispose();
            trainable = new SyntheticTrainable { SkipDelay = true };
        }
        try
        {
            trainable.Setup(new TrialContext(t.TrialId, config, t.LastEpoch + 1, milestone, [.. t.Rungs.Select(r => r.Level)], "cpu",
                SchedulerLayout.TrialSeed(_spec.Searcher.Seed, t.TrialId), 1));
            if (t.Checkpoint is { } bytes)
            {
                using var stream = new MemoryStream(bytes, writable: false);
                trainable.LoadCheckpoint(stream);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            trainable.Dispose();
            t.Trainable = null;
            t.Status = TrialStatus.Failed;
            t.FailedAtStart = true;
            return;
        }
        t.Trainable = trainable;
        Schedule(t, t.LastEpoch + 1);
    }

    private void Schedule(SimTrial t, int epoch) =>
        _events.Enqueue((t.TrialId, t.RunId), (_now + Math.Max(0, _epochSeconds(t.TrialId, t.Config, epoch)), _seq++));

    private static void EndRun(SimTrial t)
    {
        t.Trainable?.Dispose();
        t.Trainable = null;
    }

    // ---- ExperimentGrain ---------------------------------------------------------------------------------

    private void Record(int trialId, int epoch, double value)
    {
        if (_s.BestValue is not { } best || (_spec.Mode == Mode.Min ? value < best : value > best))
        {
            _s.BestValue = value;
            _s.BestTrialId = trialId;
            _s.BestEpoch = epoch;
        }
        if (_pending.Count >= 512)
        {
            Flush();
        }
    }

    private void Flush()
    {
        if (_pending.Count > 0)
        {
            // As the experiment grain does: tuner time = the report's worker clock minus the experiment's start.
            _s.Reports += _results!.Append(_pending, id => _searcher.Recorded(id)!, r => (r.WorkerUtc - _startUtc).TotalSeconds);
            _pending.Clear();
        }
    }

    private void LeftSlot(int trialId, TrialStatus outcome)
    {
        if (!_s.Running.Remove(trialId, out var running))
        {
            return;
        }
        _searcher.Status(trialId, SearcherStatusOf(outcome));
        switch (outcome)
        {
            case TrialStatus.Paused: _s.Paused++; break;
            case TrialStatus.Stopped: _s.Stopped++; break;
            case TrialStatus.Completed: _s.Completed++; break;
            case TrialStatus.Failed:
                _s.Failed++;
                if (_layout.IsSynchronous && _layout.RungBoundFor(running.Bracket, running.Milestone) is { } rung)
                {
                    Sync(rung).Add(trialId, rung.Mode == Mode.Min ? double.PositiveInfinity : double.NegativeInfinity);
                }
                break;
        }
    }

    private void AfterChange()
    {
        CheckStopCriteria();
        if (_s.Phase == ExperimentPhase.Stopping)
        {
            StopRunning();
        }
        FillSlots();
        if (_s.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping && _s.Running.Count == 0)
        {
            Finish();
        }
    }

    private void CheckStopCriteria()
    {
        if (_s.Phase != ExperimentPhase.Running)
        {
            return;
        }
        var stop = _spec.Stop;
        string? reason = null;
        if (stop.MaxWallclockSeconds is { } wall && _now >= wall)
        {
            reason = "max_wallclock_seconds";
        }
        else if (stop.MaxTrialsCompleted is { } completed && _s.Completed >= completed)
        {
            reason = "max_trials_completed";
        }
        else if (stop.MetricThreshold is { } threshold && _s.BestValue is { } best
                 && (_spec.Mode == Mode.Min ? best <= threshold : best >= threshold))
        {
            reason = "metric_threshold";
        }
        else if (_spec.MaxFailures is { } maxFailures && _s.Failed > maxFailures)
        {
            reason = "max_failures";
            _s.Error = $"{_s.Failed} trials failed (max_failures = {maxFailures})";
        }
        if (reason is not null)
        {
            _s.Phase = ExperimentPhase.Stopping;
            _s.StopReason = reason;
        }
    }

    private void BeginStop(string reason)
    {
        _s.Phase = ExperimentPhase.Stopping;
        _s.StopReason ??= reason;
        StopRunning();
    }

    /// <summary>Running trials stop where they are: the epoch in progress is lost, as when a real run is cancelled.</summary>
    private void StopRunning()
    {
        foreach (var trialId in _s.Running.Keys.ToList())
        {
            var t = _trials[trialId];
            EndRun(t);
            t.Checkpoint = null;
            t.Status = TrialStatus.Stopped;
            LeftSlot(trialId, TrialStatus.Stopped);
        }
    }

    private void Finish()
    {
        _s.Phase = _s.Error is not null && _s.StopReason == "max_failures" ? ExperimentPhase.Failed : ExperimentPhase.Completed;
        _s.StopReason ??= "no more trials to run";
    }

    private void FillSlots()
    {
        while (_s.Phase == ExperimentPhase.Running && _s.Running.Count < _spec.NWorkers)
        {
            if (!ScheduleOne())
            {
                break;
            }
        }
    }

    private bool ScheduleOne()
    {
        if (_layout.IsSynchronous)
        {
            return ScheduleSynchronous();
        }
        if (_layout.Kind == RungKind.Promotion)
        {
            int bracket = _layout.BracketForTrial(_s.NextTrialId);
            if (TryPromote(_layout.AsyncRungs(bracket)))
            {
                return true;
            }
            if (!CanStartNew)
            {
                for (int b = 0; b < _layout.NumBrackets; b++)
                {
                    if (b != bracket && TryPromote(_layout.AsyncRungs(b)))
                    {
                        return true;
                    }
                }
                return false;
            }
            return StartNew(bracket, _layout.AsyncRungs(bracket));
        }
        if (!CanStartNew)
        {
            return false;
        }
        int newBracket = _layout.BracketForTrial(_s.NextTrialId);
        return StartNew(newBracket, _layout.AsyncRungs(newBracket));
    }

    private bool ScheduleSynchronous()
    {
        foreach (var instance in _s.SyncInstances.ToList())
        {
            var rungs = _layout.SyncRungs(instance.Instance, instance.BracketIndex);
            for (int k = rungs.Length - 1; k >= 0; k--)
            {
                if (instance.Promoted[k] >= rungs[k].NumPromote)
                {
                    continue;
                }
                if (TryPromote([rungs[k]]))
                {
                    instance.Promoted[k]++;
                    return true;
                }
            }
            if (instance.NewStarted < _layout.FirstRungSize(instance.BracketIndex) && CanStartNew)
            {
                instance.NewStarted++;
                if (StartNew(instance.Instance, rungs))
                {
                    return true;
                }
                instance.NewStarted--;
                return false;
            }
            if (instance.NewStarted >= _layout.FirstRungSize(instance.BracketIndex)
                && rungs.Select((r, k) => instance.Promoted[k] >= r.NumPromote).All(done => done))
            {
                _s.SyncInstances.Remove(instance);
            }
        }
        if (!CanStartNew)
        {
            return false;
        }
        int id = _s.NextSyncInstance++;
        int bracketIndex = _layout.SyncBracketIndexOfInstance(id);
        var fresh = new SyncBracketInstance
        {
            Instance = id,
            BracketIndex = bracketIndex,
            NewStarted = 1,
            Promoted = new int[_layout.SyncRungs(id, bracketIndex).Length],
        };
        _s.SyncInstances.Add(fresh);
        return StartNew(id, _layout.SyncRungs(id, bracketIndex));
    }

    private bool CanStartNew => !_s.SearcherExhausted && (_spec.Stop.MaxTrialsStarted is not { } max || _s.Started < max);

    private bool TryPromote(IReadOnlyList<RungConfig> rungs)
    {
        for (int i = rungs.Count - 1; i >= 0; i--)
        {
            var rung = rungs[i];
            int? promoted = rung.Kind switch
            {
                RungKind.Promotion => Async(rung).TryPromote(),
                RungKind.Synchronous => Sync(rung).TryPromote(),
                _ => null,
            };
            if (promoted is { } trialId)
            {
                int runId = ++_s.NextRunId;
                _s.Running[trialId] = new RunningTrial(runId, rung.NextMilestone, rung.Bracket);
                _s.Paused--;
                _s.Promotions++;
                _searcher.Status(trialId, SearcherTrialStatus.Resumed);
                var t = _trials[trialId];
                if (t.Status == TrialStatus.Paused && t.LastEpoch < rung.NextMilestone)
                {
                    StartRun(t, rung.NextMilestone, runId);
                    if (t.FailedAtStart)
                    {
                        _s.Running.Remove(trialId);
                        _s.Failed++;
                        _searcher.Status(trialId, SearcherTrialStatus.Failed);
                    }
                }
                return true;
            }
        }
        return false;
    }

    private bool StartNew(int bracket, RungConfig[] rungs)
    {
        int trialId = _s.NextTrialId;
        var suggestion = _searcher.Suggest(trialId, _searcher.Pending());
        if (suggestion is null)
        {
            _s.SearcherExhausted = true;
            return false;
        }
        var config = suggestion.Config;
        _s.NextTrialId++;
        _s.Started++;
        int runId = ++_s.NextRunId;
        int milestone = _layout.FirstMilestone(rungs);
        _s.Running[trialId] = new RunningTrial(runId, milestone, bracket);
        var t = new SimTrial(trialId, config, rungs);
        _trials[trialId] = t;
        StartRun(t, milestone, runId);
        if (t.FailedAtStart)
        {
            _s.Running.Remove(trialId);
            _s.Failed++;
            _searcher.Status(trialId, SearcherTrialStatus.Failed);
        }
        return true;
    }

    private static SearcherTrialStatus SearcherStatusOf(TrialStatus outcome) => outcome switch
    {
        TrialStatus.Paused => SearcherTrialStatus.Paused,
        TrialStatus.Stopped => SearcherTrialStatus.Stopped,
        TrialStatus.Completed => SearcherTrialStatus.Completed,
        _ => SearcherTrialStatus.Failed,
    };

    private AsyncRung Async(RungConfig config)
    {
        if (!_asyncRungs.TryGetValue(config.GrainKey, out var rung))
        {
            rung = new AsyncRung(config.Level, config.Quantile, config.Mode);
            _asyncRungs[config.GrainKey] = rung;
        }
        return rung;
    }

    private SyncRung Sync(RungConfig config)
    {
        if (!_syncRungs.TryGetValue(config.GrainKey, out var rung))
        {
            rung = new SyncRung(config.Level, config.Capacity, config.NumPromote, config.Mode);
            _syncRungs[config.GrainKey] = rung;
        }
        return rung;
    }

    private void WriteMetadata(string directory, double wallSeconds)
    {
        var status = new ExperimentStatus
        {
            Name = _spec.Name,
            Phase = _s.Phase,
            Started = _s.Started,
            Running = _s.Running.Count,
            Paused = _s.Paused,
            Stopped = _s.Stopped,
            Completed = _s.Completed,
            Failed = _s.Failed,
            Promotions = _s.Promotions,
            Reports = _s.Reports,
            Workers = _spec.NWorkers,
            ElapsedSeconds = _now,
            MaxWallclockSeconds = _spec.Stop.MaxWallclockSeconds,
            BestTrialId = _s.BestTrialId,
            BestValue = _s.BestValue,
            BestEpoch = _s.BestEpoch,
            BestConfig = _s.BestTrialId is { } best ? new Dictionary<string, object>(_trials[best].Config) : null,
            StopReason = _s.StopReason,
            Error = _s.Error,
            NumTrialsResumed = _s.Promotions,
            Metric = _spec.Metric,
        };
        var path = Path.Combine(directory, "metadata.json");
        ExperimentMetadata.Write(path, _spec, _s, status);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["simulated"] = true;
        json["simulation_wall_seconds"] = Math.Round(wallSeconds, 3);
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private sealed class SimTrial(int trialId, IReadOnlyDictionary<string, object> config, RungConfig[] rungs)
    {
        public int TrialId { get; } = trialId;
        public IReadOnlyDictionary<string, object> Config { get; } = config;
        public RungConfig[] Rungs { get; } = rungs;
        public int RunId { get; set; }
        public int Milestone { get; set; }
        public int LastEpoch { get; set; }
        public double RunStart { get; set; }
        public TrialStatus Status { get; set; }
        public ITrainable? Trainable { get; set; }
        public byte[]? Checkpoint { get; set; }
        public bool FailedAtStart { get; set; }
    }
}
