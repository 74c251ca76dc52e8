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
using OrleansHpo.Grains.Results;
using OrleansHpo.Grains.State;

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
    ILogger<ExperimentGrain> logger) : Grain, IExperimentGrain, IRemindable
{
    private ExperimentSpec? _spec;
    private SchedulerLayout? _layout;
    private SearcherJournal? _searcher;
    private ResultsWriter? _results;
    private ExperimentCheckpoints? _checkpoints;
    private readonly Stopwatch _session = new();
    private double _elapsedAtSessionStart;
    private DateTime _sessionStartUtc;
    private IGrainTimer? _timer;
    private long _lastMetadataWrite;

    private ExperimentState S => state.State;
    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.SpecJson is not null)
        {
            Initialize();
        }
        await OnActivateRecovery();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _results?.Dispose();
        _results = null;
        _searcher?.Dispose();
        _searcher = null;
        return Task.CompletedTask;
    }

    public async Task<ExperimentStatus> Start(StartExperimentRequest request)
    {
        if (S.SpecJson is not null)
        {
            if (S.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping)
            {
                await FillSlots();
                await Save();
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
        await Save();
        WriteMetadata(force: true);
        return Status();
    }

    public async Task<ExperimentStatus> Resume()
    {
        if (S.SpecJson is null)
        {
            throw new InvalidOperationException($"No experiment named '{Name}' was started here.");
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
        Record(trialEvent.Reports);
        S.RetrainedEpochs += trialEvent.RetrainedEpochs;
        if (trialEvent.RetrainedFromScratch)
        {
            S.RetrainedFromScratch++;
        }
        if (S.Running.TryGetValue(trialEvent.TrialId, out var current))
        {
            _checkpoints!.OnReports(trialEvent.Reports, current.Bracket);
        }
        if (trialEvent.Outcome is { } outcome
            && S.Running.TryGetValue(trialEvent.TrialId, out var running)
            && running.RunId == trialEvent.RunId)
        {
            await OnLeftSlot(trialEvent.TrialId, running, outcome, trialEvent.RetrainedEpochs, trialEvent.Error);
            _checkpoints!.OnLeftSlot(trialEvent.TrialId, running.Bracket, outcome, trialEvent.Level, trialEvent.Reports);
        }
        else if (trialEvent.Outcome == TrialStatus.Paused
                 && S.Running.TryGetValue(trialEvent.TrialId, out var next) && next.RunId > trialEvent.RunId
                 && !LeftSlotBefore(trialEvent.TrialId, trialEvent.RunId))
        {
            // The rung promoted this trial before its pause reached us (the event queued behind the promoting
            // turn): the slot went straight to the new run. Count the pause the promotion already undid.
            S.Paused++;
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
            _timer ??= this.RegisterGrainTimer(OnTick, new GrainTimerCreationOptions
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
        if (S.Phase == ExperimentPhase.Running && _spec!.Stop.MaxWallclockSeconds is { } limit && Elapsed >= limit)
        {
            await BeginStop("max_wallclock_seconds");
            await AfterChange();
        }
        else
        {
            WriteMetadata(force: false);
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
        await _checkpoints!.EnforceAndMeasure(S.Started, Elapsed);
        if (S.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping && S.Running.Count == 0)
        {
            // Last chance for reports sent to a dead activation of this grain (see ExperimentGrain.Recovery).
            await SweepLeft();
            Finish();
        }
        await Save();
        WriteMetadata(force: S.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed);
        await DropReminderWhenDone();
    }

    private void CheckStopCriteria()
    {
        if (S.Phase != ExperimentPhase.Running)
        {
            return;
        }
        var stop = _spec!.Stop;
        string? reason = null;
        if (stop.MaxWallclockSeconds is { } wall && Elapsed >= wall)
        {
            reason = "max_wallclock_seconds";
        }
        else if (stop.MaxTrialsCompleted is { } completed && S.Completed >= completed)
        {
            reason = "max_trials_completed";
        }
        else if (stop.MetricThreshold is { } threshold && S.BestValue is { } best
                 && (_spec.Mode == Mode.Min ? best <= threshold : best >= threshold))
        {
            reason = "metric_threshold";
        }
        else if (_spec.MaxFailures is { } maxFailures && S.Failed > maxFailures)
        {
            reason = "max_failures";
            S.Error = $"{S.Failed} trials failed (max_failures = {maxFailures})";
        }
        if (reason is not null)
        {
            S.Phase = ExperimentPhase.Stopping;
            S.StopReason = reason;
            logger.LogInformation("Experiment {Experiment}: stop criterion {Reason} reached", Name, reason);
        }
    }

    private async Task BeginStop(string reason)
    {
        S.Phase = ExperimentPhase.Stopping;
        S.StopReason ??= reason;
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
        S.Phase = S.Error is not null && S.StopReason == "max_failures" ? ExperimentPhase.Failed : ExperimentPhase.Completed;
        S.StopReason ??= "no more trials to run";
        S.ElapsedSeconds = Elapsed;
        _timer?.Dispose();
        _timer = null;
        logger.LogInformation("Experiment {Experiment} {Phase} after {Elapsed:F1}s: {Started} trials, best {Best}", Name, S.Phase, Elapsed, S.Started, S.BestValue);
    }

    private async Task OnLeftSlot(int trialId, RunningTrial running, TrialStatus outcome, int retrained, string? error)
    {
        S.Running.Remove(trialId);
        RememberLeftSlot(trialId, running.RunId);
        _searcher!.Status(trialId, outcome switch
        {
            TrialStatus.Paused => SearcherTrialStatus.Paused,
            TrialStatus.Stopped => SearcherTrialStatus.Stopped,
            TrialStatus.Completed => SearcherTrialStatus.Completed,
            _ => SearcherTrialStatus.Failed,
        });
        switch (outcome)
        {
            case TrialStatus.Paused: S.Paused++; break;
            case TrialStatus.Stopped: S.Stopped++; break;
            case TrialStatus.Completed: S.Completed++; break;
            case TrialStatus.Failed:
                S.Failed++;
                logger.LogWarning("Experiment {Experiment}: trial {TrialId} failed: {Error}", Name, trialId, error);
                if (_layout!.IsSynchronous && _layout.RungBoundFor(running.Bracket, running.Milestone) is { } rung)
                {
                    await Rung(rung).OnTrialFailed(rung, trialId);
                }
                break;
        }
    }

    private async Task FillSlots()
    {
        while (S.Phase == ExperimentPhase.Running && S.Running.Count < _spec!.NWorkers)
        {
            if (!await ScheduleOne())
            {
                break;
            }
        }
    }

    /// <summary>Give one free slot work: a promotion if a rung has one, else a new trial. False if there is none.</summary>
    private async Task<bool> ScheduleOne()
    {
        var layout = _layout!;
        if (layout.IsSynchronous)
        {
            return await ScheduleSynchronous();
        }
        if (layout.Kind == RungKind.Promotion)
        {
            // Syne Tune's promotion type: the bracket a new trial would get is searched first, highest rung down.
            int bracket = layout.BracketForTrial(S.NextTrialId);
            if (await TryPromote(layout.AsyncRungs(bracket)))
            {
                return true;
            }
            if (!CanStartNew)
            {
                for (int b = 0; b < layout.NumBrackets; b++)
                {
                    if (b != bracket && await TryPromote(layout.AsyncRungs(b)))
                    {
                        return true;
                    }
                }
                return false;
            }
            return await StartNew(bracket, layout.AsyncRungs(bracket));
        }
        if (!CanStartNew)
        {
            return false;
        }
        int newBracket = layout.BracketForTrial(S.NextTrialId);
        return await StartNew(newBracket, layout.AsyncRungs(newBracket));
    }

    private async Task<bool> ScheduleSynchronous()
    {
        var layout = _layout!;
        foreach (var instance in S.SyncInstances.ToList())
        {
            var rungs = layout.SyncRungs(instance.Instance, instance.BracketIndex);
            for (int k = rungs.Length - 1; k >= 0; k--)
            {
                if (instance.Promoted[k] >= rungs[k].NumPromote)
                {
                    continue;
                }
                if (await TryPromote([rungs[k]]))
                {
                    instance.Promoted[k]++;
                    return true;
                }
            }
            if (instance.NewStarted < layout.FirstRungSize(instance.BracketIndex) && CanStartNew)
            {
                instance.NewStarted++;
                if (await StartNew(instance.Instance, rungs))
                {
                    return true;
                }
                instance.NewStarted--;
                return false;
            }
            if (instance.NewStarted >= layout.FirstRungSize(instance.BracketIndex)
                && rungs.Select((r, k) => instance.Promoted[k] >= r.NumPromote).All(done => done))
            {
                S.SyncInstances.Remove(instance); // every slot of this bracket instance has been handed out
            }
        }
        if (!CanStartNew)
        {
            return false;
        }
        // Workers never wait: no bracket instance has work, so a new one starts (brackets cycle).
        int id = S.NextSyncInstance++;
        int bracketIndex = layout.SyncBracketIndexOfInstance(id);
        var fresh = new SyncBracketInstance
        {
            Instance = id,
            BracketIndex = bracketIndex,
            NewStarted = 1,
            Promoted = new int[layout.SyncRungs(id, bracketIndex).Length],
        };
        S.SyncInstances.Add(fresh);
        return await StartNew(id, layout.SyncRungs(id, bracketIndex));
    }

    private bool CanStartNew =>
        !S.SearcherExhausted && (_spec!.Stop.MaxTrialsStarted is not { } max || S.Started < max);

    private async Task<bool> TryPromote(IReadOnlyList<RungConfig> rungs)
    {
        for (int i = rungs.Count - 1; i >= 0; i--)
        {
            var rung = rungs[i];
            int runId = S.NextRunId + 1;
            if (await Rung(rung).TryPromote(rung, runId) is { } trialId)
            {
                S.NextRunId = runId;
                S.Running[trialId] = new RunningTrial(runId, rung.NextMilestone, rung.Bracket);
                S.Paused--;
                S.Promotions++;
                _searcher!.Status(trialId, SearcherTrialStatus.Resumed);
                _checkpoints!.OnPromoted(trialId, rung);
                return true;
            }
        }
        return false;
    }

    private async Task<bool> StartNew(int bracket, IReadOnlyList<RungConfig> rungs)
    {
        int trialId = S.NextTrialId;
        var journal = _searcher!;
        // A suggestion recorded before a crash is used as it is; a new one is computed off the grain scheduler
        // (a model fit can take a second) while status queries interleave, then recorded before the trial starts.
        var suggestion = journal.Recorded(trialId);
        if (suggestion is null)
        {
            var pending = journal.Pending();
            suggestion = await Task.Run(() => journal.Searcher.Suggest(trialId, pending));
            if (suggestion is null)
            {
                S.SearcherExhausted = true;
                return false;
            }
            journal.Started(trialId, suggestion);
        }
        S.NextTrialId++;
        S.Started++;
        int runId = ++S.NextRunId;
        int milestone = _layout!.FirstMilestone(rungs);
        S.Running[trialId] = new RunningTrial(runId, milestone, bracket);
        _checkpoints!.OnStarted(trialId);
        await Save(); // the slot is recorded before the trial starts, so a crash cannot lose it
        await Trial(trialId).Start(PlanOf(trialId, bracket, rungs), milestone, runId);
        return true;
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
        KeepFinalCheckpoint = _spec.Checkpoints.DeleteFinished && _spec.Checkpoints.KeepBest > 0,
    };

    /// <summary>The config suggested for the trial, as recorded in the searcher journal.</summary>
    private IReadOnlyDictionary<string, object> ConfigOf(int trialId) =>
        _searcher?.Recorded(trialId)?.Config ?? throw new InvalidOperationException(
            $"Experiment {Name}: no recorded config for trial {trialId} ({SearcherJournal.FileName} missing from {S.ResultsDir}?)");

    private void Record(EpochReport[] reports)
    {
        if (reports.Length == 0)
        {
            return;
        }
        S.Reports += _results!.Append(reports, id => _searcher!.Recorded(id), TunerTime);
        foreach (var report in reports)
        {
            var value = report.Metrics[_spec!.Metric];
            _searcher!.Report(report.TrialId, report.Epoch, value);
            if (S.BestValue is not { } best || (_spec.Mode == Mode.Min ? value < best : value > best))
            {
                S.BestValue = value;
                S.BestTrialId = report.TrialId;
                S.BestEpoch = report.Epoch;
            }
        }
    }

    private double TunerTime(EpochReport report) =>
        Math.Max(0, _elapsedAtSessionStart + (report.WorkerUtc - _sessionStartUtc).TotalSeconds);

    /// <summary>
    /// A trial answered <see cref="ITrialGrain.Recover"/> with a newer run than the one recorded here (this grain died
    /// between a rung's promotion and saving it): the slot belongs to that run from now on, so its events count.
    /// </summary>
    private void AdoptNewerRun(int trialId, RunningTrial running, RecoverResult result)
    {
        if (result.Status == TrialStatus.Running && result.RunId > running.RunId
            && S.Running.TryGetValue(trialId, out var current) && current.RunId == running.RunId)
        {
            S.Running[trialId] = running with { RunId = result.RunId, Milestone = result.Milestone };
            S.NextRunId = Math.Max(S.NextRunId, result.RunId);
            logger.LogInformation("Experiment {Experiment}: trial {TrialId} runs run {RunId} (recorded: {Known})", Name, trialId, result.RunId, running.RunId);
        }
    }

    /// <summary>After a restart: each trial that held a slot trains again from its checkpoint, or tells how it ended.</summary>
    private async Task ReconcileRunning()
    {
        foreach (var (trialId, running) in S.Running.ToList())
        {
            var plan = PlanOf(trialId, running.Bracket, _layout!.RungsOfBracket(running.Bracket, S.SyncInstances));
            var result = await Trial(trialId).Recover(plan, running.Milestone, running.RunId);
            Record(result.Reports);
            AdoptNewerRun(trialId, running, result);
            if (result.Status is not TrialStatus.Running)
            {
                await OnLeftSlot(trialId, running, result.Status, 0, null);
                _checkpoints!.OnLeftSlot(trialId, running.Bracket, result.Status, result.Level, result.Reports);
            }
        }
    }

    /// <summary>After a restart: a promotion the rung recorded but whose trial never resumed is delivered again.</summary>
    private async Task ReconcilePromotions()
    {
        var layout = _layout!;
        if (layout.Kind == RungKind.Stopping)
        {
            return;
        }
        IEnumerable<RungConfig> rungs = layout.IsSynchronous
            ? S.SyncInstances.SelectMany(i => layout.SyncRungs(i.Instance, i.BracketIndex))
            : Enumerable.Range(0, layout.NumBrackets).SelectMany(b => layout.AsyncRungs(b));
        foreach (var rung in rungs)
        {
            var snapshot = await Rung(rung).GetSnapshot();
            foreach (var entry in snapshot.Entries.Where(e => e.Promoted && !S.Running.ContainsKey(e.TrialId)))
            {
                var trial = await Trial(entry.TrialId).GetSnapshot();
                if (trial.Status == TrialStatus.Paused && trial.PausedAt <= rung.Level)
                {
                    int runId = Math.Max(S.NextRunId, trial.RunId) + 1;
                    S.NextRunId = runId;
                    S.Running[entry.TrialId] = new RunningTrial(runId, rung.NextMilestone, rung.Bracket);
                    _checkpoints!.OnRecoveredPromotion(entry.TrialId, rung);
                    _searcher!.Status(entry.TrialId, SearcherTrialStatus.Resumed);
                    await Trial(entry.TrialId).Resume(rung.NextMilestone, runId);
                }
                else if (trial.Status == TrialStatus.Running)
                {
                    S.NextRunId = Math.Max(S.NextRunId, trial.RunId);
                    var running = new RunningTrial(trial.RunId, trial.Milestone, rung.Bracket);
                    S.Running[entry.TrialId] = running;
                    var plan = PlanOf(entry.TrialId, rung.Bracket, layout.RungsOfBracket(rung.Bracket, S.SyncInstances));
                    await Trial(entry.TrialId).Recover(plan, trial.Milestone, trial.RunId);
                }
            }
        }
    }

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

    private Task Save()
    {
        if (_spec is not null && S.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping)
        {
            S.ElapsedSeconds = Elapsed;
        }
        _checkpoints?.Save();
        return state.WriteStateAsync();
    }

    private void WriteMetadata(bool force)
    {
        if (_spec is null)
        {
            return;
        }
        long now = Environment.TickCount64;
        if (!force && now - _lastMetadataWrite < 1000)
        {
            return;
        }
        _lastMetadataWrite = now;
        ExperimentMetadata.Write(Path.Combine(S.ResultsDir, "metadata.json"), _spec, S, Status(), _checkpoints);
    }

    private ITrialGrain Trial(int trialId) => GrainFactory.GetGrain<ITrialGrain>(TrialKeys.Of(Name, trialId));

    private IRungGrain Rung(RungConfig rung) => GrainFactory.GetGrain<IRungGrain>(rung.GrainKey);
}
