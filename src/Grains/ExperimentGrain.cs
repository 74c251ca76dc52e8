using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansHpo.Core.Scheduling;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains.Checkpoints;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.State;
using OrleansHpo.Results;

namespace OrleansHpo.Grains;

/// <summary>
/// An experiment: searcher, stop criteria and the n_workers slots. When a slot frees up it asks rung grains for a
/// promotion (highest rung first) and otherwise starts a new trial. Trials talk to it one-way only.
/// Scheduling rules live in <see cref="SchedulerLayout"/> and the pure classes of OrleansHpo.Core.
/// </summary>
[GrainType("hpo-experiment")]
public sealed partial class ExperimentGrain(
    [PersistentState("experiment", HpoStorage.Name)] IPersistentState<ExperimentState> state,
    TrainableRegistry registry,
    ICheckpointStore checkpointStore,
    IEnumerable<ISearcherProvider> searcherProviders,
    WorkerOptions workers,
    ILogger<ExperimentGrain> logger) : Grain, IExperimentGrain, IRemindable
{
    private ExperimentSpec? _spec;
    private SchedulerLayout? _layout;
    private ExperimentScheduler? _scheduler;
    private SearcherJournal? _searcher;
    private ResultsWriter? _results;
    private ExperimentCheckpoints? _checkpoints;
    private readonly Stopwatch _session = new();
    private double _elapsedAtSessionStart;
    private DateTime _sessionStartUtc;
    private IGrainTimer? _timer;
    private long _lastMetadataWrite;
    /// <summary>(trial, epoch) keys recorded since the state was last saved: not yet confirmed to their trials.</summary>
    private readonly HashSet<long> _unsaved = [];
    private Task _metadataWrite = Task.CompletedTask;
    /// <summary>New trials the scheduler put in the book this turn; started once the book is saved (<see cref="SaveAndStart"/>).</summary>
    private readonly List<PendingStart> _toStart = [];
    /// <summary>The book changed since it was last saved, and nothing needed it saved yet: the next tick saves it.</summary>
    private bool _dirty;
    /// <summary>Reports recorded per trial since the last save; a trial that reaches half its confirmation batch makes the
    /// turn save, so that its state stays bounded however fast its epochs come (TrialGrain.DropConfirmed).</summary>
    private readonly Dictionary<int, int> _unsavedByTrial = [];
    private bool _saveDue;

    private readonly record struct PendingStart(int TrialId, TrialPlan Plan, int Milestone, int RunId);

    private ExperimentState S => state.State;
    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (workers.Store.IsLost)
        {
            // Not on a silo cut off from the cluster store: its peers are about to declare it dead, and the files this
            // activation would open (results.csv, searcher.jsonl) would keep the next activation out of them.
            throw new TimeoutException($"experiment {Name}: this silo has lost the cluster store; it activates on another silo");
        }
        if (S.SpecJson is not null)
        {
            Initialize();
        }
        await OnActivateRecovery();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty && _halt is null && !_released && !workers.Store.IsLost)
        {
            try
            {
                await Save(); // what the last ticks did not write yet; a failure only leaves more to reconcile
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning("Experiment {Experiment}: could not save its state on deactivation ({Error})", Name, e.Message);
            }
        }
        DisposeResults();
    }

    public async Task<ExperimentStatus> Start(StartExperimentRequest request)
    {
        if (S.SpecJson is not null)
        {
            if (S.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping)
            {
                await FillSlots();
                await SaveAndStart();
            }
            return Status();
        }
        var parsed = SpecParser.Parse(request.SpecJson);
        if (!parsed.Ok)
        {
            throw new ArgumentException("Invalid spec: " + string.Join("; ", parsed.Errors));
        }
        var spec = parsed.Spec!;
        if (spec.Name != Name)
        {
            throw new ArgumentException($"The spec is named '{spec.Name}' but was sent to experiment '{Name}'.");
        }
        if (!registry.TryGet(spec.Trainable, out _))
        {
            throw new ArgumentException($"trainable: no trainable is registered as '{spec.Trainable}'; registered: {string.Join(", ", registry.Names)}");
        }
        SearcherFactory.Create(spec, searcherProviders); // an unknown searcher type or bad option is a spec error, before anything is recorded
        S.SpecJson = spec.SourceJson;
        S.ResultsDir = request.ResultsDir;
        S.Phase = ExperimentPhase.Running;
        S.CreatedUtc = DateTime.UtcNow;
        Initialize();
        logger.LogInformation("Experiment {Experiment} starts: {Scheduler} ({Variant}), {Workers} workers", Name, spec.Scheduler.Type, spec.Scheduler.Variant, spec.NWorkers);
        await Save();
        await EnsureReminder();
        await FillSlots();
        await SaveAndStart();
        await WriteMetadata(force: true);
        return Status();
    }

    public async Task<ExperimentStatus> Resume()
    {
        if (S.SpecJson is null)
        {
            throw new InvalidOperationException($"No experiment named '{Name}' was started here.");
        }
        if (S.Phase == ExperimentPhase.Completed && S.StoppedOnRequest)
        {
            // Stopped by `hpo stop` (or a client's --stop-on-exit): resume continues it with the budget that is left.
            logger.LogInformation("Experiment {Experiment} reopens after a requested stop ({Reason})", Name, S.StopReason);
            S.Phase = ExperimentPhase.Running;
            S.StopReason = null;
            S.StoppedOnRequest = false;
            Initialize();
            await EnsureReminder();
        }
        if (S.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed)
        {
            return Status();
        }
        logger.LogInformation("Experiment {Experiment} resumes: {Running} trials were running, {Elapsed:F1}s of budget used", Name, S.Running.Count, S.ElapsedSeconds);
        await ReconcileRunning();
        await ReconcilePromotions();
        await AfterChange();
        return Status();
    }

    public Task<ExperimentStatus> GetStatus() => Task.FromResult(Status());

    public async Task<ExperimentStatus> RequestStop(string reason)
    {
        if (S.Phase == ExperimentPhase.Running)
        {
            S.StoppedOnRequest = true;
            await BeginStop(reason);
            await AfterChange();
        }
        return Status();
    }

    public async Task OnTrialEvent(TrialEvent trialEvent)
    {
        if (_spec is null)
        {
            return;
        }
        Heard(trialEvent.TrialId);
        var fresh = Record(trialEvent.Reports);
        S.RetrainedEpochs += trialEvent.RetrainedEpochs;
        if (trialEvent.RetrainedFromScratch)
        {
            S.RetrainedFromScratch++;
        }
        if (trialEvent.Abandoned)
        {
            S.AbandonedRuns++;
        }
        if (S.Running.TryGetValue(trialEvent.TrialId, out var current))
        {
            _checkpoints!.OnReports(fresh, current.Bracket);
        }
        if (trialEvent.Outcome is { } outcome
            && S.Running.TryGetValue(trialEvent.TrialId, out var running)
            && running.RunId == trialEvent.RunId)
        {
            await OnLeftSlot(trialEvent.TrialId, running, outcome, trialEvent.Error);
            _checkpoints!.OnLeftSlot(trialEvent.TrialId, running.Bracket, outcome, trialEvent.Level, trialEvent.Reports);
        }
        else if (trialEvent.Outcome == TrialStatus.Paused
                 && S.Running.TryGetValue(trialEvent.TrialId, out var next) && next.RunId > trialEvent.RunId
                 && !LeftSlotBefore(trialEvent.TrialId, trialEvent.RunId))
        {
            // The rung promoted this trial before its pause reached us (the event queued behind the promoting turn).
            _scheduler!.OnPauseOvertakenByPromotion();
        }
        await AfterChange();
    }

    private void Initialize()
    {
        var parsed = SpecParser.Parse(S.SpecJson!);
        if (!parsed.Ok)
        {
            throw new InvalidOperationException("Stored spec no longer validates: " + string.Join("; ", parsed.Errors));
        }
        _spec = parsed.Spec!;
        _layout = new SchedulerLayout(_spec);
        _scheduler = new ExperimentScheduler(_spec, _layout, S, new GrainRuntime(this));
        var factory = registry.Get(_spec.Trainable);
        var metrics = factory.MetricNames.Contains(_spec.Metric) ? factory.MetricNames : [_spec.Metric, .. factory.MetricNames];
        Directory.CreateDirectory(S.ResultsDir);
        // The searcher is rebuilt by replaying its journal (docs/searchers.md): configs are read, never regenerated.
        _searcher?.Dispose();
        _searcher = new SearcherJournal(SearcherFactory.Create(_spec, searcherProviders), Path.Combine(S.ResultsDir, SearcherJournal.FileName));
        _results ??= new ResultsWriter(Path.Combine(S.ResultsDir, "results.csv"), _spec.ResourceAttr, metrics, _spec.ConfigSpace.AllNames);
        _checkpoints = new ExperimentCheckpoints(_spec, _layout, S.Checkpoints, new CheckpointScope(Name, Path.Combine(S.ResultsDir, "checkpoints")), checkpointStore,
            GrainFactory, Name, logger);
        _elapsedAtSessionStart = S.ElapsedSeconds;
        _sessionStartUtc = DateTime.UtcNow;
        _session.Restart();
        if (S.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping)
        {
            _timer ??= this.RegisterGrainTimer(GuardedTick, new GrainTimerCreationOptions
            {
                DueTime = TimeSpan.FromSeconds(1),
                Period = TimeSpan.FromSeconds(1),
                KeepAlive = true,
            });
        }
    }

    private double Elapsed => _elapsedAtSessionStart + _session.Elapsed.TotalSeconds;

    private async Task OnTick(CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await Save();
        }
        if (S.Phase == ExperimentPhase.Running && _scheduler!.StopCriterion(Elapsed, S.Failed) is not null)
        {
            await AfterChange(); // a criterion that no event triggers, such as the wall clock: AfterChange begins the stop
        }
        else
        {
            await WriteMetadata(force: false);
        }
        await ReconcileIfDue();
    }

    private async Task AfterChange()
    {
        CheckStopCriteria();
        if (S.Phase == ExperimentPhase.Stopping)
        {
            await StopRunning();
        }
        await FillSlots();
        await _checkpoints!.EnforceAndMeasure(S.Started, Elapsed, final: _scheduler!.IsDone);
        if (S.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping && S.Running.Count == 0)
        {
            // Last chance for reports sent to a dead activation of this grain (see ExperimentGrain.Recovery).
            await SweepLeft();
            Finish();
        }
        if (_toStart.Count > 0 || _saveDue || S.Phase != ExperimentPhase.Running)
        {
            await SaveAndStart();
        }
        else
        {
            _dirty = true;
        }
        await WriteMetadata(force: S.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed);
        await DropReminderWhenDone();
    }

    private void CheckStopCriteria()
    {
        if (_scheduler!.CheckStopCriteria(Elapsed))
        {
            logger.LogInformation("Experiment {Experiment}: stop criterion {Reason} reached", Name, S.StopReason);
        }
    }

    private async Task BeginStop(string reason)
    {
        _scheduler!.BeginStop(reason);
        await StopRunning();
    }

    private async Task StopRunning()
    {
        try
        {
            await Task.WhenAll(S.Running.Keys.Select(id => Trial(id).Stop(S.StopReason ?? "stopped")));
        }
        catch (Exception e) when (TransientRetry.IsTransient(e))
        {
            // A trial's silo is gone: the reconcile loop re-drives it and the next change stops it.
            logger.LogWarning("Experiment {Experiment}: could not stop every trial ({Error}); retrying", Name, e.Message);
        }
    }

    private void Finish()
    {
        _scheduler!.Finish(S.StoppedOnRequest);
        S.ElapsedSeconds = Elapsed;
        _timer?.Dispose();
        _timer = null;
        logger.LogInformation("Experiment {Experiment} {Phase} after {Elapsed:F1}s: {Started} trials, best {Best}", Name, S.Phase, Elapsed, S.Started, S.BestValue);
    }

    private async Task OnLeftSlot(int trialId, RunningTrial running, TrialStatus outcome, string? error)
    {
        RememberLeftSlot(trialId, running.RunId);
        _searcher!.Status(trialId, outcome switch
        {
            TrialStatus.Paused => SearcherTrialStatus.Paused,
            TrialStatus.Stopped => SearcherTrialStatus.Stopped,
            TrialStatus.Completed => SearcherTrialStatus.Completed,
            _ => SearcherTrialStatus.Failed,
        });
        if (outcome == TrialStatus.Failed)
        {
            logger.LogWarning("Experiment {Experiment}: trial {TrialId} failed: {Error}", Name, trialId, error);
        }
        await _scheduler!.OnLeftSlot(trialId, running, outcome);
    }

    private Task FillSlots() => _scheduler!.FillSlots().AsTask();

    /// <summary>The grain as the scheduler's runtime: rungs are rung grains, trials are trial grains.</summary>
    private sealed class GrainRuntime(ExperimentGrain grain) : IExperimentRuntime
    {
        public async ValueTask<int?> TryPromote(RungConfig rung, int runId) => await grain.Rung(rung).TryPromote(rung, runId);

        public ValueTask OnPromoted(int trialId, RungConfig rung, int runId)
        {
            grain._searcher!.Status(trialId, SearcherTrialStatus.Resumed);
            grain._checkpoints!.OnPromoted(trialId, rung);
            return ValueTask.CompletedTask;
        }

        public async ValueTask<Suggestion?> Suggest(int trialId)
        {
            var journal = grain._searcher!;
            // A suggestion recorded before a crash is used as it is; a new one is computed off the grain scheduler
            // (a model fit can take a second) while status queries interleave, then recorded before the trial starts.
            if (journal.Recorded(trialId) is { } known)
            {
                return known;
            }
            var pending = journal.Pending();
            var suggestion = await Task.Run(() => journal.Searcher.Suggest(trialId, pending));
            if (suggestion is not null)
            {
                journal.Started(trialId, suggestion);
            }
            return suggestion;
        }

        public ValueTask StartTrial(int trialId, int bracket, RungConfig[] rungs, int milestone, int runId)
        {
            grain._checkpoints!.OnStarted(trialId);
            grain._toStart.Add(new PendingStart(trialId, grain.PlanOf(trialId, bracket, rungs), milestone, runId));
            return ValueTask.CompletedTask;
        }

        public async ValueTask OnSyncTrialFailed(RungConfig rung, int trialId) => await grain.Rung(rung).OnTrialFailed(rung, trialId);
    }

    private TrialPlan PlanOf(int trialId, int bracket, IReadOnlyList<RungConfig> rungs) => new()
    {
        Experiment = Name,
        TrialId = trialId,
        Trainable = _spec!.Trainable,
        Config = new Dictionary<string, object>(ConfigOf(trialId)),
        Metric = _spec.Metric,
        Mode = _spec.Mode,
        ResourceAttr = _spec.ResourceAttr,
        MaxResourceAttr = _spec.MaxResourceAttr,
        Bracket = bracket,
        Rungs = [.. rungs],
        MaxT = _spec.Scheduler.MaxT,
        Seed = SchedulerLayout.TrialSeed(_spec.Searcher.Seed, trialId),
        CheckpointEveryEpoch = _spec.Checkpoints.EveryEpoch,
        CheckpointRoot = Path.Combine(S.ResultsDir, "checkpoints"),
        DeleteCheckpointWhenFinished = _spec.Checkpoints.DeleteFinished,
        KeepFinalCheckpoint = _spec.Checkpoints.KeepsFinalCheckpoint,
    };

    /// <summary>The config suggested for the trial, as recorded in the searcher journal.</summary>
    private IReadOnlyDictionary<string, object> ConfigOf(int trialId) =>
        _searcher?.Recorded(trialId)?.Config ?? throw new InvalidOperationException(
            $"Experiment {Name}: no recorded config for trial {trialId} ({SearcherJournal.FileName} missing from {S.ResultsDir}?)");

    /// <summary>
    /// Records reports in results.csv, the searcher and the best value, each (trial, epoch) once: a trial sends again
    /// what its experiment has not confirmed (a one-way event lost on the way; TrialGrain.Resend), and a recovered
    /// trial's snapshot repeats what its events carried. Returns the reports recorded now.
    /// </summary>
    private EpochReport[] Record(EpochReport[] reports)
    {
        if (reports.Length == 0)
        {
            return reports;
        }
        var seen = new HashSet<long>();
        reports = [.. reports.Where(r => !_results!.Contains(r.TrialId, r.Epoch) && seen.Add(ReportKey(r.TrialId, r.Epoch)))];
        if (reports.Length == 0)
        {
            return reports;
        }
        S.Reports += _results!.Append(
            reports.Select(r => new ResultsLine(r.TrialId, r.Epoch, TunerTime(r), r.WorkerSeconds, r.Decision, r.Metrics, r.RetrainedEpochs)),
            id => _searcher!.Recorded(id));
        foreach (var report in reports)
        {
            _unsaved.Add(ReportKey(report.TrialId, report.Epoch));
            int unsaved = _unsavedByTrial[report.TrialId] = _unsavedByTrial.GetValueOrDefault(report.TrialId) + 1;
            _saveDue |= unsaved >= TrialGrain.ConfirmEvery / 2;
            var value = report.Metrics[_spec!.Metric];
            _searcher!.Report(report.TrialId, report.Epoch, value);
            _scheduler!.OnReport(report.TrialId, report.Epoch, value);
        }
        return reports;
    }

    private double TunerTime(EpochReport report) =>
        Math.Max(0, _elapsedAtSessionStart + (report.WorkerUtc - _sessionStartUtc).TotalSeconds);

    /// <summary>
    /// A trial answered <see cref="ITrialGrain.Recover"/> with a newer run than the one recorded here (this grain died
    /// between a rung's promotion and saving it): the slot belongs to that run from now on, so its events count.
    /// </summary>
    private void AdoptNewerRun(int trialId, RunningTrial running, RecoverResult result)
    {
        if (_scheduler!.AdoptNewerRun(trialId, running, result.Status, result.RunId, result.Milestone))
        {
            logger.LogInformation("Experiment {Experiment}: trial {TrialId} runs run {RunId} (recorded: {Known})", Name, trialId, result.RunId, running.RunId);
        }
    }

    /// <summary>After a restart: each trial that held a slot trains again from its checkpoint, or tells how it ended.</summary>
    private async Task ReconcileRunning()
    {
        foreach (var (trialId, running) in S.Running.ToList())
        {
            var plan = PlanOf(trialId, running.Bracket, _layout!.RungsOfBracket(running.Bracket));
            var result = await Trial(trialId).Recover(plan, running.Milestone, running.RunId);
            Record(result.Reports);
            AdoptNewerRun(trialId, running, result);
            if (result.Status is not TrialStatus.Running)
            {
                await OnLeftSlot(trialId, running, result.Status, null);
                _checkpoints!.OnLeftSlot(trialId, running.Bracket, result.Status, result.Level, result.Reports);
            }
        }
    }

    /// <summary>
    /// After a restart: a promotion a rung recorded for a trial that holds no slot is delivered again. The scheduler says
    /// which rungs to ask and what the trial's state means (<see cref="ExperimentScheduler.RecoverPromotion"/>).
    /// </summary>
    private async Task ReconcilePromotions()
    {
        foreach (var rung in _scheduler!.RungsToReconcile())
        {
            var snapshot = await Rung(rung).GetSnapshot();
            foreach (var entry in snapshot.Entries.Where(e => e.Promoted && !S.Running.ContainsKey(e.TrialId)))
            {
                var trial = await Trial(entry.TrialId).GetSnapshot();
                switch (_scheduler.RecoverPromotion(entry.TrialId, rung, trial.Status, trial.PausedAt, trial.RunId, trial.Milestone))
                {
                    case PromotionRecovery.Resume:
                        var resumed = S.Running[entry.TrialId];
                        _checkpoints!.OnRecoveredPromotion(entry.TrialId, rung);
                        _searcher!.Status(entry.TrialId, SearcherTrialStatus.Resumed);
                        await Trial(entry.TrialId).Resume(resumed.Milestone, resumed.RunId);
                        break;
                    case PromotionRecovery.Recover:
                        var running = S.Running[entry.TrialId];
                        var plan = PlanOf(entry.TrialId, running.Bracket, _layout!.RungsOfBracket(running.Bracket));
                        await Trial(entry.TrialId).Recover(plan, running.Milestone, running.RunId);
                        break;
                }
            }
        }
    }

    /// <summary>What metadata.json records of this run (its state, <paramref name="status"/> and the checkpoint accounting).</summary>
    private MetadataSnapshot Metadata(ExperimentStatus status) => new()
    {
        Phase = status.Phase,
        StopReason = status.StopReason,
        Error = status.Error,
        CreatedUtc = S.CreatedUtc,
        ElapsedSeconds = status.ElapsedSeconds,
        Started = status.Started,
        Running = status.Running,
        Paused = status.Paused,
        Stopped = status.Stopped,
        Completed = status.Completed,
        Failed = status.Failed,
        Promotions = status.Promotions,
        NumTrialsResumed = status.NumTrialsResumed,
        Reports = status.Reports,
        RetrainedEpochs = status.RetrainedEpochs,
        RetrainedFromScratch = status.RetrainedFromScratch,
        NumCheckpointsRemoved = _checkpoints?.NumCheckpointsRemoved ?? 0,
        NumResumedWithoutCheckpoint = _checkpoints?.NumResumedWithoutCheckpoint ?? 0,
        CostResources = _checkpoints?.CostResources ?? 0,
        CheckpointFiles = S.Checkpoints.Files,
        CheckpointBytes = S.Checkpoints.Bytes,
        CheckpointHighWaterFiles = S.Checkpoints.HighWaterFiles,
        CheckpointHighWaterBytes = S.Checkpoints.HighWaterBytes,
        CheckpointHighWaterPausedTrials = S.Checkpoints.HighWaterPausedTrials,
        CheckpointDiskSamples = S.Checkpoints.Samples,
        AbandonedRuns = S.AbandonedRuns,
        AbandonedThreads = AbandonedThreadCount.Current,
        BestTrialId = status.BestTrialId,
        BestEpoch = status.BestEpoch,
        BestValue = status.BestValue,
        BestConfig = status.BestConfig,
    };

    private ExperimentStatus Status() => new()
    {
        Name = Name,
        Phase = S.Phase,
        Started = S.Started,
        Running = S.Running.Count,
        // Every started trial is in exactly one state, so paused is what the others leave (robust to a pause or a
        // promotion this grain never heard of because it died in between).
        Paused = Math.Max(0, S.Started - S.Running.Count - S.Stopped - S.Completed - S.Failed),
        Stopped = S.Stopped,
        Completed = S.Completed,
        Failed = S.Failed,
        Promotions = S.Promotions,
        Reports = S.Reports,
        Workers = _spec?.NWorkers ?? 0,
        ElapsedSeconds = S.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed || _spec is null ? S.ElapsedSeconds : Elapsed,
        MaxWallclockSeconds = _spec?.Stop.MaxWallclockSeconds,
        BestTrialId = S.BestTrialId,
        BestValue = S.BestValue,
        BestEpoch = S.BestEpoch,
        BestConfig = S.BestTrialId is { } best && _spec is not null ? new Dictionary<string, object>(ConfigOf(best)) : null,
        StopReason = S.StopReason,
        Error = S.Error,
        NumTrialsResumed = S.Promotions,
        RetrainedEpochs = S.RetrainedEpochs,
        RetrainedFromScratch = S.RetrainedFromScratch,
        Metric = _spec?.Metric ?? "",
    };

    /// <summary>
    /// Saves the book, then starts the new trials it records: a slot is durable before its trial runs, so a crash
    /// cannot lose it, and a turn that fills several slots writes its state once. A turn that starts no trial and ends
    /// nothing leaves the write to the next tick (at most a second later): what it changed is rebuilt after a crash
    /// from the trials and rungs themselves (ReconcileRunning, ReconcilePromotions), and the reports it recorded stay
    /// unconfirmed to their trials until the write (docs/architecture.md, "State writes of the experiment").
    /// </summary>
    private async Task SaveAndStart()
    {
        await Save();
        if (_toStart.Count == 0)
        {
            return;
        }
        var starts = _toStart.ToArray();
        _toStart.Clear();
        await Task.WhenAll(starts.Select(s => Trial(s.TrialId).Start(s.Plan, s.Milestone, s.RunId)));
    }

    private async Task Save()
    {
        if (_spec is not null && S.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping)
        {
            S.ElapsedSeconds = Elapsed;
        }
        _checkpoints?.Save();
        await state.WriteStateAsync();
        _dirty = false;
        _saveDue = false;
        _unsavedByTrial.Clear();
        _unsaved.Clear(); // what was recorded before this write is durable now (ConfirmRecorded)
    }

    public Task<int[]> ConfirmRecorded(int trialId, int[] epochs) => Task.FromResult(_results is { } results
        ? epochs.Where(e => results.Contains(trialId, e) && !_unsaved.Contains(ReportKey(trialId, e))).ToArray()
        : []);

    private static long ReportKey(int trialId, int epoch) => ((long)trialId << 32) | (uint)epoch;

    /// <summary>
    /// metadata.json, at most once a second (and when the experiment ends): the JSON is composed in the turn, the file
    /// written on the thread pool, one write after the other; only the final write is awaited.
    /// </summary>
    private Task WriteMetadata(bool force)
    {
        if (_spec is null)
        {
            return Task.CompletedTask;
        }
        long now = Environment.TickCount64;
        if (!force && now - _lastMetadataWrite < 1000)
        {
            return Task.CompletedTask;
        }
        _lastMetadataWrite = now;
        var path = Path.Combine(S.ResultsDir, "metadata.json");
        var json = ExperimentMetadata.Compose(_spec, Metadata(Status()));
        var previous = _metadataWrite;
        _metadataWrite = previous.ContinueWith(_ => ExperimentMetadata.WriteAtomically(path, json), CancellationToken.None,
            TaskContinuationOptions.None, TaskScheduler.Default); // on the thread pool, after the previous write
        return force ? _metadataWrite : Task.CompletedTask;
    }

    private ITrialGrain Trial(int trialId) => GrainFactory.GetGrain<ITrialGrain>(TrialKeys.Of(Name, trialId));

    private IRungGrain Rung(RungConfig rung) => GrainFactory.GetGrain<IRungGrain>(rung.GrainKey);
}
