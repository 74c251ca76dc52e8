using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains.Checkpoints;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Placement;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.State;

namespace OrleansHpo.Grains;

/// <summary>
/// A trial. Starts and resumes training runs on the silo's worker threads, records their reports, asks its rung
/// grain for a decision at each rung level, and on pause persists its state and deactivates itself.
/// Message flow (no cycles of awaited calls): experiment -> trial, experiment -> rung, trial -> rung;
/// trial -> experiment and rung -> trial are one-way.
/// </summary>
[GrainType("hpo-trial"), WorkerSlotPlacement]
public sealed class TrialGrain(
    [PersistentState("trial", HpoStorage.Name)] IPersistentState<TrialState> state,
    TrainableRegistry registry,
    ICheckpointStore checkpoints,
    WorkerPool workers,
    WorkerOptions workerOptions,
    TrialActivity activity,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    private TrialRun? _run;
    private bool _stopRequested;
    private string? _stopReason;
    private bool _stale;
    private bool _retrainCounted;
    private int _confirmAt = ConfirmEvery;
    private bool _resendDue;

    /// <summary>Unconfirmed reports at which a write first asks the experiment which of them it has recorded.</summary>
    internal const int ConfirmEvery = 16;
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(5);

    private TrialState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        activity.Activated(this.GetGrainId());
        S.Activations++;
        // A state file written before state was bounded holds every report in Unconfirmed and no LastReport.
        S.LastReport ??= S.Unconfirmed.LastOrDefault();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        activity.Deactivated();
        if (_run is { } run)
        {
            run.Cancel(detach: true);
            try
            {
                // Up to the grace period counted from its first cancellation (a drain may have cancelled it long ago).
                var left = workerOptions.CancelGrace - run.SinceCancelled;
                await run.Completion.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
                // It ignores cancellation: abandon it so its worker slot is free (docs/architecture.md, "Failures").
                logger.LogWarning("Trial {Trial}: run {RunId} did not stop before deactivation ended; abandoned", this.GetPrimaryKeyString(), run.RunId);
                run.Abandon();
            }
            _run = null;
        }
    }

    public async Task Start(TrialPlan plan, int milestone, int runId)
    {
        if (S.Plan is not null && S.RunId >= runId)
        {
            return; // duplicate start
        }
        S.Plan = plan;
        S.Status = TrialStatus.Running;
        S.Milestone = milestone;
        S.RunId = runId;
        S.CheckpointFence++;
        if (!await TryWrite())
        {
            return;
        }
        logger.LogDebug("Trial {TrialId} starts, trains to epoch {Milestone}", plan.TrialId, milestone);
        StartRun();
    }

    public async Task Resume(int milestone, int runId)
    {
        if (S.Plan is null || runId <= S.RunId)
        {
            return; // unknown trial or a duplicate of a promotion already handled
        }
        if (S.Status != TrialStatus.Paused)
        {
            logger.LogWarning("Trial {TrialId}: promotion to {Milestone} ignored, status is {Status}", S.Plan.TrialId, milestone, S.Status);
            return;
        }
        S.Status = TrialStatus.Running;
        S.Milestone = milestone;
        S.RunId = runId;
        S.CheckpointFence++;
        if (!await TryWrite())
        {
            return;
        }
        logger.LogDebug("Trial {TrialId} resumes from epoch {From} to {Milestone}", S.Plan.TrialId, S.PausedAt, milestone);
        StartRun();
    }

    public Task Stop(string reason)
    {
        if (S.Status == TrialStatus.Running && _run is { } run)
        {
            _stopRequested = true;
            _stopReason = reason;
            run.Cancel(detach: false);
            RunawayWatch.Arm(this, run, workerOptions.CancelGrace, AbandonRun);
        }
        return Task.CompletedTask;
    }

    public Task Interrupt()
    {
        _run?.Cancel(detach: true);
        DeactivateOnIdle(); // OnDeactivateAsync waits for the run (and abandons it past the deactivation timeout)
        return Task.CompletedTask;
    }

    public Task OnRunFault(int runId, string cause)
    {
        if (_stale || _run is null || _run.RunId != runId || S.Plan is not { } plan)
        {
            return Task.CompletedTask;
        }
        _run = null;
        _stale = true; // nothing more is written by this activation: the storage cannot take it
        Experiment(plan).OnStorageFault(cause).Ignore();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <summary>The run ignored its cancellation past the grace period: free its slot and record the trial as failed.</summary>
    private async Task AbandonRun(TrialRun run)
    {
        if (_run != run || S.Plan is not { } plan)
        {
            return;
        }
        run.Abandon();
        _run = null;
        var reason = $"abandoned: did not stop within {workerOptions.CancelGrace.TotalSeconds:0.#}s";
        logger.LogError("Trial {TrialId}: run {RunId} {Reason}; its thread is left behind", plan.TrialId, run.RunId, reason);
        S.Status = TrialStatus.Failed;
        S.Error = reason;
        S.PausedAt = S.LastEpoch;
        if (!await TryWrite())
        {
            return;
        }
        await DeleteCheckpointOnStop();
        DeactivateOnIdle();
        Experiment(plan).OnTrialEvent(new TrialEvent(plan.TrialId, Resend([], leaving: true), TrialStatus.Failed, S.LastEpoch, reason, 0, run.RunId) { Abandoned = true }).Ignore();
    }

    public async Task<RecoverResult> Recover(TrialPlan plan, int milestone, int runId)
    {
        if (S.Plan is null)
        {
            await Start(plan, milestone, runId);
        }
        else if (S.Status == TrialStatus.Running && runId >= S.RunId && _run is null)
        {
            S.RunId = runId;
            S.Milestone = milestone;
            S.CheckpointFence++;
            if (await TryWrite())
            {
                logger.LogInformation("Trial {TrialId} recovers from {Checkpoint}", plan.TrialId, S.Checkpoint?.Uri ?? "scratch");
                HpoMetrics.TrialsRecovered.Add(1);
                StartRun();
            }
        }
        else if (S.Status == TrialStatus.Running && runId < S.RunId && _run is null)
        {
            // A newer run owns this trial than the one its experiment recorded: a promotion the rung delivered while
            // the experiment died before saving it. Continue that run; the experiment adopts its id from the answer.
            S.CheckpointFence++;
            if (await TryWrite())
            {
                logger.LogInformation("Trial {TrialId} recovers its newer run {RunId} (the experiment knew run {Known}) from {Checkpoint}",
                    plan.TrialId, S.RunId, runId, S.Checkpoint?.Uri ?? "scratch");
                HpoMetrics.TrialsRecovered.Add(1);
                StartRun();
            }
        }
        else if (S.Status == TrialStatus.Paused && S.PausedAt < milestone && runId > S.RunId)
        {
            await Resume(milestone, runId);
        }
        return new RecoverResult(S.Status, Reported(), S.LastEpoch, S.RunId, S.Milestone);
    }

    public async Task<TrialDecision> OnEpochs(int runId, EpochReport[] reports, CheckpointRef? checkpoint)
    {
        if (_stale || _run is null || _run.RunId != runId || S.Status != TrialStatus.Running || S.Plan is not { } plan)
        {
            return TrialDecision.Stop; // a run this activation does not own: end it without writing
        }
        bool dirty = false;
        CheckpointRef? replaced = null;
        if (checkpoint is not null)
        {
            replaced = S.Checkpoint;
            S.Checkpoint = checkpoint;
            dirty = true;
        }

        int retrained = CountRetrained(_run.RetrainedEpochs);
        dirty |= retrained > 0;
        var decision = TrialDecision.Continue;
        var accepted = new List<EpochReport>(reports.Length);
        foreach (var report in reports)
        {
            if (report.Epoch <= S.LastEpoch)
            {
                // Retrained after a lost checkpoint: already recorded, never recorded twice.
                continue;
            }
            var value = report.Metrics[plan.Metric];
            TrialDecision? rungDecision = null;
            if (TrialPolicy.RungAt(plan.Rungs, report.Epoch, plan.MaxT) is { } rung)
            {
                var rungGrain = GrainFactory.GetGrain<IRungGrain>(rung.GrainKey);
                rungDecision = await TransientRetry.Run(() => rungGrain.OnResult(rung, plan.TrialId, value), logger, $"trial {plan.TrialId}: rung {rung.GrainKey}");
                dirty = true;
            }
            var d = TrialPolicy.Decide(report.Epoch, plan.MaxT, S.Milestone, rungDecision);
            HpoMetrics.Reports.Add(1);
            var recorded = report with { Decision = d, RetrainedEpochs = S.UnmarkedRetrainedEpochs };
            S.UnmarkedRetrainedEpochs = 0;
            accepted.Add(recorded);
            S.Unconfirmed.Add(recorded);
            S.LastReport = recorded;
            S.LastEpoch = report.Epoch;
            if (d != TrialDecision.Continue)
            {
                decision = d;
                break;
            }
        }

        TrialStatus? outcome = TrialPolicy.Outcome(decision, S.LastEpoch, plan.MaxT);
        if (outcome is { } ended)
        {
            HpoMetrics.TrialTransitions.Add(1, new KeyValuePair<string, object?>("status", ended.ToString()));
            S.Status = ended;
            S.PausedAt = S.LastEpoch;
            dirty = true;
        }
        if (dirty)
        {
            await DropConfirmed(plan);
            if (!await TryWrite())
            {
                return TrialDecision.Stop;
            }
        }
        if (accepted.Count > 0)
        {
            logger.LogDebug("Trial {TrialId} run {RunId} recorded epochs {First}-{Last} on {Silo} (fence {Fence})", plan.TrialId, runId, accepted[0].Epoch, accepted[^1].Epoch, RuntimeIdentity, S.CheckpointFence);
        }
        if (replaced is not null && replaced.Uri != S.Checkpoint?.Uri)
        {
            await checkpoints.DeleteAsync(replaced); // I/O off the grain's thread; the state no longer refers to it
        }
        if (outcome is { } finished)
        {
            _run = null;
            if (finished != TrialStatus.Paused)
            {
                await DeleteCheckpointOnStop();
            }
            DeactivateOnIdle(); // paused: the state is persisted, the activation goes away
        }
        Experiment(plan).OnTrialEvent(new TrialEvent(plan.TrialId, Resend(accepted, outcome is not null), outcome, S.LastEpoch, null, retrained, runId)).Ignore();
        return decision;
    }

    public async Task OnRunEnded(int runId, string? error, int retrainedEpochs)
    {
        if (_stale || _run is null || _run.RunId != runId || S.Plan is not { } plan)
        {
            return;
        }
        _run = null;
        int retrained = CountRetrained(retrainedEpochs);
        TrialStatus outcome;
        if (error is not null)
        {
            outcome = TrialStatus.Failed;
            S.Error = error;
        }
        else if (_stopRequested)
        {
            outcome = TrialStatus.Stopped;
            S.StopReason = _stopReason;
        }
        else
        {
            if (retrained > 0)
            {
                await TryWrite();
            }
            DeactivateOnIdle(); // drained or cancelled: still Running; the experiment re-drives it from its checkpoint
            return;
        }
        S.Status = outcome;
        S.PausedAt = S.LastEpoch;
        if (!await TryWrite())
        {
            return;
        }
        if (outcome == TrialStatus.Failed)
        {
            logger.LogWarning("Trial {TrialId} failed: {Error}", plan.TrialId, error);
        }
        await DeleteCheckpointOnStop();
        DeactivateOnIdle();
        Experiment(plan).OnTrialEvent(new TrialEvent(plan.TrialId, Resend([], leaving: true), outcome, S.LastEpoch, error, retrained, runId)).Ignore();
    }

    public async Task OnCheckpointLost(int runId, int lostEpochs, string problem)
    {
        if (_stale || _run is null || _run.RunId != runId || S.Plan is not { } plan)
        {
            return;
        }
        logger.LogWarning("Trial {TrialId}: {Problem}; retraining from scratch, the {Lost} epochs already recorded are not recorded again",
            plan.TrialId, problem, lostEpochs);
        HpoMetrics.RetrainedFromScratch.Add(1);
        S.RetrainedFromScratch++;
        S.UnmarkedRetrainedEpochs += lostEpochs;
        var lost = S.Checkpoint;
        S.Checkpoint = null;
        if (!await TryWrite())
        {
            return;
        }
        if (lost is not null)
        {
            await checkpoints.DeleteAsync(lost);
        }
        Experiment(plan).OnTrialEvent(new TrialEvent(plan.TrialId, [], null, S.LastEpoch, null, 0, runId) { RetrainedFromScratch = true }).Ignore();
    }

    public async Task DropCheckpoint()
    {
        if (S.Status is not (TrialStatus.Paused or TrialStatus.Completed) || S.Checkpoint is not { } checkpoint)
        {
            return;
        }
        // File first, then state: a crash in between leaves a reference to a missing file, which a resume already
        // treats as "no checkpoint" (retrain from scratch); the other order could leave an orphan file on disk.
        await checkpoints.DeleteAsync(checkpoint);
        S.Checkpoint = null;
        if (await TryWrite())
        {
            logger.LogDebug("Trial {TrialId}: checkpoint at epoch {Epoch} removed (checkpoint budget)", S.Plan?.TrialId, checkpoint.Epoch);
        }
        DeactivateOnIdle(); // still paused: no activation needed
    }

    public Task<TrialSnapshot> GetSnapshot() => Task.FromResult(new TrialSnapshot
    {
        TrialId = S.Plan?.TrialId ?? -1,
        Status = S.Status,
        LastEpoch = S.LastEpoch,
        Milestone = S.Milestone,
        Checkpoint = S.Checkpoint,
        Activations = S.Activations,
        RunId = S.RunId,
        Error = S.Error,
        Reports = Reported(),
        Silo = RuntimeIdentity,
        RetrainedEpochs = S.RetrainedEpochs,
        PausedAt = S.PausedAt,
        RetrainedFromScratch = S.RetrainedFromScratch,
    });

    /// <summary>
    /// The reports an event carries: the ones just accepted and, when the trial leaves its slot or its experiment has
    /// just left some reports unconfirmed, every unconfirmed one again (oldest first). Events are one-way: one lost on
    /// the way (its experiment's silo failing, a connection reset) would otherwise leave an epoch missing from
    /// results.csv for good. The experiment records each (trial, epoch) once.
    /// </summary>
    private EpochReport[] Resend(List<EpochReport> accepted, bool leaving)
    {
        if (!leaving && !_resendDue)
        {
            return [.. accepted];
        }
        _resendDue = false;
        var epochs = accepted.Select(r => r.Epoch).ToHashSet();
        return [.. S.Unconfirmed.Where(r => !epochs.Contains(r.Epoch)).Concat(accepted).OrderBy(r => r.Epoch)];
    }

    /// <summary>What the trial can still tell its experiment: the unconfirmed reports, and the last report always.</summary>
    private EpochReport[] Reported() =>
        S.LastReport is { } last && (S.Unconfirmed.Count == 0 || S.Unconfirmed[^1].Epoch < last.Epoch)
            ? [.. S.Unconfirmed, last]
            : [.. S.Unconfirmed];

    /// <summary>
    /// Keeps the state bounded: once <see cref="ConfirmEvery"/> reports are unconfirmed, asks the experiment which of
    /// them it has recorded durably (results.csv written and its state saved since) and drops those, so a state write
    /// does not rewrite the trial's whole history (docs/architecture.md, "Bounded grain state"). The call interleaves
    /// on the experiment, so it cannot deadlock with the experiment's calls to this trial. No answer (the experiment
    /// restarting, or none running, as under <c>hpo check</c>): the reports are kept and asked about again later.
    /// </summary>
    private async Task DropConfirmed(TrialPlan plan)
    {
        if (S.Unconfirmed.Count < _confirmAt)
        {
            return;
        }
        _confirmAt = S.Unconfirmed.Count + ConfirmEvery;
        int[] recorded;
        try
        {
            recorded = await Experiment(plan).ConfirmRecorded(plan.TrialId, [.. S.Unconfirmed.Select(r => r.Epoch)]).WaitAsync(ConfirmTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogDebug("Trial {TrialId}: its experiment did not confirm recorded reports ({Error}); they are kept", plan.TrialId, e.Message);
            return;
        }
        if (recorded.Length > 0)
        {
            var epochs = recorded.ToHashSet();
            S.Unconfirmed.RemoveAll(r => epochs.Contains(r.Epoch));
        }
        _resendDue = S.Unconfirmed.Count > 0; // not recorded yet, or lost on the way: the next event carries them again
        _confirmAt = S.Unconfirmed.Count + ConfirmEvery;
    }

    private IExperimentGrain Experiment(TrialPlan plan) => GrainFactory.GetGrain<IExperimentGrain>(plan.Experiment);

    private void StartRun()
    {
        var plan = S.Plan!;
        _stopRequested = false;
        _retrainCounted = false;
        var factory = registry.Get(plan.Trainable);
        var resumeFrom = S.LastEpoch;
        var run = new TrialRun(this.AsReference<ITrialGrain>(), plan, S.RunId, resumeFrom, S.Checkpoint, S.Milestone,
            factory, checkpoints, workerOptions, logger, S.CheckpointFence, RuntimeIdentity);
        _run = run;
        // Training runs outside grain turns; keep the activation alive while it does.
        DelayDeactivation(TimeSpan.FromDays(7));
        run.Start(workers);
    }

    private async Task DeleteCheckpointOnStop()
    {
        // Only trials that can still be resumed keep a checkpoint, and a completed trial whose final checkpoint the
        // experiment may keep among the best K (checkpoints.keep_best; it sends DropCheckpoint otherwise).
        if (S.Checkpoint is { } checkpoint && S.Status is TrialStatus.Stopped or TrialStatus.Failed or TrialStatus.Completed
            && S.Plan?.DeleteCheckpointWhenFinished != false
            && !(S.Status == TrialStatus.Completed && S.Plan?.KeepFinalCheckpoint == true))
        {
            await checkpoints.DeleteAsync(checkpoint);
        }
    }

    /// <summary>Epochs the current run retrains (no checkpoint could be loaded), counted once per run into the state.</summary>
    private int CountRetrained(int retrained)
    {
        if (_retrainCounted || retrained <= 0)
        {
            return 0;
        }
        _retrainCounted = true;
        S.RetrainedEpochs += retrained;
        return retrained;
    }

    /// <summary>
    /// Write state. A version conflict means another activation owns the trial: stop without writing. A transient
    /// storage fault is retried with backoff; still failing, or a lasting fault (disk full, read-only): this activation
    /// goes away without writing, the trial stays as last persisted, never failed because of it (docs/architecture.md,
    /// "Failures"); a lasting fault also halts the experiment.
    /// </summary>
    private async Task<bool> TryWrite()
    {
        try
        {
            await StateWriteRetry.Write(state, logger, this.GetPrimaryKeyString());
            return true;
        }
        catch (InconsistentStateException e)
        {
            _stale = true;
            logger.LogWarning("Trial {Trial}: stale activation, stopping without writing ({Message})", this.GetPrimaryKeyString(), e.Message);
            _run?.Cancel(detach: true);
            DeactivateOnIdle();
            return false;
        }
        catch (Exception e) when (FailureClassifier.Classify(e) != FailureClass.Trainable)
        {
            // Not the trial's fault (the store unreachable from this silo, a timeout, a lasting storage fault): this
            // activation cannot know whether the write landed, so it stops like a stale one; the trial stays as last
            // persisted and the experiment re-drives it from its checkpoint (docs/architecture.md, Failures).
            _stale = true;
            var cause = FailureClassifier.LastingCause(e);
            logger.LogWarning("Trial {Trial}: state not written ({Error}); the activation ends, the trial stays as last persisted", this.GetPrimaryKeyString(), cause ?? e.Message);
            _run?.Cancel(detach: true);
            if (cause is not null && S.Plan is { } plan)
            {
                Experiment(plan).OnStorageFault(cause).Ignore();
            }
            DeactivateOnIdle();
            return false;
        }
    }
}
