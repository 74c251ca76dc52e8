using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHpo.Core.Scheduling;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Results;

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
    private readonly SchedulerBook _s = new();
    private readonly Dictionary<string, Rung> _rungs = [];
    private readonly ExperimentScheduler _scheduler;
    private readonly Dictionary<int, SimTrial> _trials = [];
    private readonly PriorityQueue<(int TrialId, int RunId), (double Time, long Seq)> _events = new();
    private readonly List<ResultsLine> _pending = [];
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
        _scheduler = new ExperimentScheduler(spec, _layout, _s, new SimRuntime(this));
    }

    /// <summary>Epoch time for the synthetic trainable: its <c>delay_ms</c>, else <paramref name="fallbackSeconds"/>.</summary>
    public static EpochTimer DelayMsTimer(double fallbackSeconds) => (_, config, _) =>
        config.TryGetValue("delay_ms", out var v) && Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) is > 0 and var ms
            ? ms / 1000.0
            : fallbackSeconds;

    /// <summary>
    /// Called once the first slots are filled and after every simulated epoch, with the epochs then pending, as
    /// (trial, epoch), in the order the clock will end them. Lets a test hold a real run to the simulator's order of
    /// events (tests/OrleansHpo.Tests/Cluster/LockstepTrainableFactory.cs).
    /// </summary>
    public Action<IReadOnlyList<(int TrialId, int Epoch)>>? OnPending { get; init; }

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
            _s.Phase = ExperimentPhase.Running;
            AfterChange();
            ReportPending();
            while (_s.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping)
            {
                if (!_events.TryPeek(out _, out var at))
                {
                    _scheduler.Finish(); // nothing runs and nothing can start
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
                ReportPending();
            }
            Flush();
        }
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
        TrialDecision? rungDecision = TrialPolicy.RungAt(t.Rungs, epoch, _spec.Scheduler.MaxT) is { } rung
            ? RungOf(rung).OnResult(rung.Kind, trialId, value)
            : null;
        var decision = TrialPolicy.Decide(epoch, _spec.Scheduler.MaxT, t.Milestone, rungDecision);
        t.LastEpoch = epoch;
        // As the experiment grain does: tuner time = the report's worker clock (whole ticks) minus the experiment's start.
        double tunerTime = TimeSpan.FromTicks((long)Math.Round(_now * TimeSpan.TicksPerSecond)).TotalSeconds;
        _pending.Add(new ResultsLine(trialId, epoch, tunerTime, _now - t.RunStart, decision, new Dictionary<string, double>(metrics)));
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
        var outcome = TrialPolicy.Outcome(decision, epoch, _spec.Scheduler.MaxT)!.Value;
        t.Status = outcome;
        if (outcome != TrialStatus.Paused)
        {
            t.Checkpoint = null;
        }
        LeftSlot(trialId, outcome);
        AfterChange();
    }

    private void ReportPending()
    {
        if (OnPending is { } report)
        {
            report([.. _events.UnorderedItems
                .Where(e => _trials[e.Element.TrialId] is { Trainable: not null } t && t.RunId == e.Element.RunId)
                .OrderBy(e => e.Priority.Time).ThenBy(e => e.Priority.Seq)
                .Select(e => (e.Element.TrialId, _trials[e.Element.TrialId].LastEpoch + 1))]);
        }
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
        _scheduler.OnReport(trialId, epoch, value);
        if (_pending.Count >= 512)
        {
            Flush();
        }
    }

    private void Flush()
    {
        if (_pending.Count > 0)
        {
            _s.Reports += _results!.Append(_pending, id => _searcher.Recorded(id)!);
            _pending.Clear();
        }
    }

    private void LeftSlot(int trialId, TrialStatus outcome)
    {
        if (!_s.Running.TryGetValue(trialId, out var running))
        {
            return;
        }
        _searcher.Status(trialId, SearcherStatusOf(outcome));
        Wait(_scheduler.OnLeftSlot(trialId, running, outcome));
    }

    private static SearcherTrialStatus SearcherStatusOf(TrialStatus outcome) => outcome switch
    {
        TrialStatus.Paused => SearcherTrialStatus.Paused,
        TrialStatus.Stopped => SearcherTrialStatus.Stopped,
        TrialStatus.Completed => SearcherTrialStatus.Completed,
        _ => SearcherTrialStatus.Failed,
    };

    private void AfterChange()
    {
        _scheduler.CheckStopCriteria(_now);
        if (_s.Phase == ExperimentPhase.Stopping)
        {
            StopRunning();
        }
        Wait(_scheduler.FillSlots());
        if (_scheduler.IsDone)
        {
            _scheduler.Finish();
        }
    }

    private void BeginStop(string reason)
    {
        _scheduler.BeginStop(reason);
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

    /// <summary>Every call of the simulator's runtime completes synchronously: the scheduler's tasks are done when they return.</summary>
    private static void Wait(ValueTask task) => task.GetAwaiter().GetResult();

    private Rung RungOf(RungConfig config)
    {
        if (!_rungs.TryGetValue(config.GrainKey, out var rung))
        {
            rung = Rung.Restore(config, []);
            _rungs[config.GrainKey] = rung;
        }
        return rung;
    }

    /// <summary>The simulator as the scheduler's runtime: rungs and trials in memory, searcher without a file.</summary>
    private sealed class SimRuntime(Simulation sim) : IExperimentRuntime
    {
        public ValueTask<int?> TryPromote(RungConfig rung, int runId) => ValueTask.FromResult(sim.RungOf(rung).TryPromote(rung.Kind));

        public ValueTask OnPromoted(int trialId, RungConfig rung, int runId)
        {
            sim._searcher.Status(trialId, SearcherTrialStatus.Resumed);
            var t = sim._trials[trialId];
            if (t.Status == TrialStatus.Paused && t.LastEpoch < rung.NextMilestone)
            {
                sim.StartRun(t, rung.NextMilestone, runId);
                if (t.FailedAtStart)
                {
                    sim.LeftSlot(trialId, TrialStatus.Failed);
                }
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask<Suggestion?> Suggest(int trialId) => ValueTask.FromResult(sim._searcher.Suggest(trialId, sim._searcher.Pending()));

        public ValueTask StartTrial(int trialId, int bracket, RungConfig[] rungs, int milestone, int runId)
        {
            var t = new SimTrial(trialId, sim._searcher.Recorded(trialId)!.Config, rungs);
            sim._trials[trialId] = t;
            sim.StartRun(t, milestone, runId);
            if (t.FailedAtStart)
            {
                sim.LeftSlot(trialId, TrialStatus.Failed);
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask OnSyncTrialFailed(RungConfig rung, int trialId)
        {
            sim.RungOf(rung).OnTrialFailed(trialId);
            return ValueTask.CompletedTask;
        }
    }

    private void WriteMetadata(string directory, double wallSeconds)
    {
        var run = new MetadataSnapshot
        {
            Phase = _s.Phase,
            StopReason = _s.StopReason,
            Error = _s.Error,
            CreatedUtc = _startUtc,
            ElapsedSeconds = _now,
            Started = _s.Started,
            Running = _s.Running.Count,
            Paused = _s.Paused,
            Stopped = _s.Stopped,
            Completed = _s.Completed,
            Failed = _s.Failed,
            Promotions = _s.Promotions,
            NumTrialsResumed = _s.Promotions,
            Reports = _s.Reports,
            BestTrialId = _s.BestTrialId,
            BestValue = _s.BestValue,
            BestEpoch = _s.BestEpoch,
            BestConfig = _s.BestTrialId is { } best ? new Dictionary<string, object>(_trials[best].Config) : null,
        };
        var path = Path.Combine(directory, "metadata.json");
        ExperimentMetadata.Write(path, _spec, run);
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
