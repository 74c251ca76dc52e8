using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// The experiment's policy, one copy for the grains and the simulator (docs/architecture.md): what a free worker slot
/// does (a promotion first, highest rung first, else a new trial; synchronous brackets fill rung by rung and workers
/// never wait), the stop criteria and the stop reason, and what a trial leaving its slot changes. Follows Syne Tune's
/// <c>hyperband_promotion.py</c> and <c>synchronous/hyperband.py</c> (facts in docs/scheduler-comparison.md).
/// Talks to rungs, trials and the searcher only through <see cref="IExperimentRuntime"/>.
/// </summary>
public sealed class ExperimentScheduler(ExperimentSpec spec, SchedulerLayout layout, ISchedulerBook book, IExperimentRuntime runtime)
{
    /// <summary>Stop reason when <c>stop.max_trials_started</c> trials were started and all ended.</summary>
    public const string MaxTrialsStartedReached = "max_trials_started reached";

    /// <summary>Stop reason when the searcher has no more configs (e.g. a finished grid).</summary>
    public const string SearcherExhaustedReason = "searcher exhausted";

    public SchedulerLayout Layout => layout;

    /// <summary>True while a new trial may start: the searcher has configs and max_trials_started is not reached.</summary>
    public bool CanStartNew => !book.SearcherExhausted && (spec.Stop.MaxTrialsStarted is not { } max || book.Started < max);

    /// <summary>Give every free slot work while the experiment runs.</summary>
    public async ValueTask FillSlots()
    {
        while (book.Phase == ExperimentPhase.Running && book.Running.Count < spec.NWorkers)
        {
            if (!await ScheduleOne())
            {
                break;
            }
        }
    }

    /// <summary>The stop criterion that fires now, or null (the first of wall clock, completed trials, metric threshold, failures).</summary>
    public string? StopCriterion(double elapsedSeconds, int failed)
    {
        var stop = spec.Stop;
        if (stop.MaxWallclockSeconds is { } wall && elapsedSeconds >= wall)
        {
            return "max_wallclock_seconds";
        }
        if (stop.MaxTrialsCompleted is { } completed && book.Completed >= completed)
        {
            return "max_trials_completed";
        }
        if (stop.MetricThreshold is { } threshold && book.BestValue is { } best
            && (spec.Mode == Mode.Min ? best <= threshold : best >= threshold))
        {
            return "metric_threshold";
        }
        if (spec.MaxFailures is { } maxFailures && failed > maxFailures)
        {
            return "max_failures";
        }
        return null;
    }

    /// <summary>While running: if a stop criterion fires, the experiment moves to Stopping with that reason. True if it did.</summary>
    public bool CheckStopCriteria(double elapsedSeconds)
    {
        if (book.Phase != ExperimentPhase.Running || StopCriterion(elapsedSeconds, book.Failed) is not { } reason)
        {
            return false;
        }
        book.Phase = ExperimentPhase.Stopping;
        book.StopReason = reason;
        if (reason == "max_failures")
        {
            book.Error = $"{book.Failed} trials failed (max_failures = {spec.MaxFailures})";
        }
        return true;
    }

    /// <summary>Begin a stop asked from outside (a user, a time limit).</summary>
    public void BeginStop(string reason)
    {
        book.Phase = ExperimentPhase.Stopping;
        book.StopReason ??= reason;
    }

    /// <summary>True when the experiment is over: running or stopping with no trial in a slot (and none can be started).</summary>
    public bool IsDone => book.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping && book.Running.Count == 0;

    /// <summary>
    /// End the experiment, with the reason nothing more ran: Failed after max_failures, or when every trial it started
    /// failed (nothing was learned; unless a user stopped it, so that resume can go on after a fix), else Completed.
    /// </summary>
    public void Finish(bool stoppedOnRequest = false)
    {
        if (book.Error is null && !stoppedOnRequest && book.Started > 0 && book.Failed == book.Started)
        {
            book.Error = $"all {book.Failed} trials failed";
        }
        book.Phase = book.Error is not null && (book.StopReason == "max_failures" || book.Failed == book.Started)
            ? ExperimentPhase.Failed
            : ExperimentPhase.Completed;
        book.StopReason ??= spec.Stop.MaxTrialsStarted is { } max && book.Started >= max ? MaxTrialsStartedReached
            : book.SearcherExhausted ? SearcherExhaustedReason
            : "no trial left to promote or start";
    }

    /// <summary>A trial left its slot with <paramref name="outcome"/>: counts, and a failed synchronous trial is its rung's worst entry.</summary>
    public async ValueTask OnLeftSlot(int trialId, RunningTrial running, TrialStatus outcome)
    {
        book.Running.Remove(trialId);
        switch (outcome)
        {
            case TrialStatus.Paused: book.Paused++; break;
            case TrialStatus.Stopped: book.Stopped++; break;
            case TrialStatus.Completed: book.Completed++; break;
            case TrialStatus.Failed:
                book.Failed++;
                if (layout.IsSynchronous && layout.RungBoundFor(running.Bracket, running.Milestone) is { } rung)
                {
                    await runtime.OnSyncTrialFailed(rung, trialId);
                }
                break;
        }
    }

    /// <summary>A report of <paramref name="trialId"/> at <paramref name="epoch"/>: the best value so far (mode decides, ties keep the earlier).</summary>
    public void OnReport(int trialId, int epoch, double value)
    {
        if (book.BestValue is not { } best || (spec.Mode == Mode.Min ? value < best : value > best))
        {
            book.BestValue = value;
            book.BestTrialId = trialId;
            book.BestEpoch = epoch;
        }
    }

    /// <summary>
    /// A pause that reached the runtime after the rung had already promoted the trial again (the pause's message queued
    /// behind the promoting turn, so the slot went straight to the new run): the pause counts, the promotion undid it.
    /// </summary>
    public void OnPauseOvertakenByPromotion() => book.Paused++;

    /// <summary>
    /// The rungs whose recorded promotions a restarted runtime checks (<see cref="RecoverPromotion"/>): every rung that
    /// can promote, i.e. the live synchronous bracket instances' rungs, or every asynchronous rung system's rungs; none
    /// for stopping rungs.
    /// </summary>
    public IEnumerable<RungConfig> RungsToReconcile()
    {
        if (layout.Kind == RungKind.Stopping)
        {
            return [];
        }
        return layout.IsSynchronous
            ? book.SyncInstances.SelectMany(i => layout.SyncRungs(i.Instance, i.BracketIndex))
            : Enumerable.Range(0, layout.SharedRungs ? 1 : layout.NumBrackets).SelectMany(b => layout.AsyncRungs(b));
    }

    /// <summary>
    /// After a restart: <paramref name="rung"/> recorded a promotion of <paramref name="trialId"/>, which holds no slot in
    /// the book. The trial's own state decides: still paused at or below the rung's level, the promotion never reached
    /// it, so it resumes to the rung's next milestone as a new run; running, it runs the promotion, and its run takes a
    /// slot again. Records the slot in the book; the runtime then sends the Resume or Recover.
    /// </summary>
    public PromotionRecovery RecoverPromotion(int trialId, RungConfig rung, TrialStatus trialStatus, int pausedAt, int trialRunId, int trialMilestone)
    {
        if (book.Running.ContainsKey(trialId))
        {
            return PromotionRecovery.None;
        }
        if (trialStatus == TrialStatus.Paused && pausedAt <= rung.Level)
        {
            int runId = Math.Max(book.NextRunId, trialRunId) + 1;
            book.NextRunId = runId;
            book.Running[trialId] = new RunningTrial(runId, rung.NextMilestone, rung.Bracket);
            return PromotionRecovery.Resume;
        }
        if (trialStatus == TrialStatus.Running)
        {
            book.NextRunId = Math.Max(book.NextRunId, trialRunId);
            book.Running[trialId] = new RunningTrial(trialRunId, trialMilestone, rung.Bracket);
            return PromotionRecovery.Recover;
        }
        return PromotionRecovery.None;
    }

    /// <summary>
    /// A trial recorded in a slot as run <paramref name="known"/> says it runs a newer run (the runtime died between a
    /// rung's promotion and recording it): the slot belongs to that run from now on. True if the book changed.
    /// </summary>
    public bool AdoptNewerRun(int trialId, RunningTrial known, TrialStatus trialStatus, int trialRunId, int trialMilestone)
    {
        if (trialStatus != TrialStatus.Running || trialRunId <= known.RunId
            || !book.Running.TryGetValue(trialId, out var current) || current.RunId != known.RunId)
        {
            return false;
        }
        book.Running[trialId] = known with { RunId = trialRunId, Milestone = trialMilestone };
        book.NextRunId = Math.Max(book.NextRunId, trialRunId);
        return true;
    }

    /// <summary>Give one free slot work: a promotion if a rung has one, else a new trial. False if there is none.</summary>
    private async ValueTask<bool> ScheduleOne()
    {
        if (layout.IsSynchronous)
        {
            return await ScheduleSynchronous();
        }
        int bracket = layout.BracketForTrial(book.NextTrialId);
        if (layout.Kind == RungKind.Promotion)
        {
            // Syne Tune's promotion type: the rungs of the bracket a new trial would get are searched first, highest
            // rung down. With shared rungs (the default) a bracket's rungs are the shared rungs from its first level.
            if (await TryPromote(layout.AsyncRungs(bracket)))
            {
                return true;
            }
            if (!CanStartNew)
            {
                // Nothing new can start: any promotable trial anywhere takes the slot.
                for (int b = 0; b < (layout.SharedRungs ? 1 : layout.NumBrackets); b++)
                {
                    if (b != bracket && await TryPromote(layout.AsyncRungs(b)))
                    {
                        return true;
                    }
                }
                return false;
            }
        }
        else if (!CanStartNew)
        {
            return false;
        }
        return await StartNew(bracket, layout.AsyncRungs(bracket));
    }

    private async ValueTask<bool> ScheduleSynchronous()
    {
        foreach (var instance in book.SyncInstances.ToList())
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
            int size = layout.FirstRungSize(instance.BracketIndex);
            if (instance.NewStarted < size && CanStartNew)
            {
                instance.NewStarted++;
                if (await StartNew(instance.Instance, rungs))
                {
                    return true;
                }
                instance.NewStarted--;
                return false;
            }
            if (instance.NewStarted >= size && rungs.Select((r, k) => instance.Promoted[k] >= r.NumPromote).All(done => done))
            {
                book.SyncInstances.Remove(instance); // every slot of this bracket instance has been handed out
            }
        }
        if (!CanStartNew)
        {
            return false;
        }
        // Workers never wait: no bracket instance has work, so a new one starts (brackets cycle).
        int id = book.NextSyncInstance++;
        int bracketIndex = layout.SyncBracketIndexOfInstance(id);
        var fresh = new SyncBracketInstance
        {
            Instance = id,
            BracketIndex = bracketIndex,
            NewStarted = 1,
            Promoted = new int[layout.SyncRungs(id, bracketIndex).Length],
        };
        book.SyncInstances.Add(fresh);
        return await StartNew(id, layout.SyncRungs(id, bracketIndex));
    }

    private async ValueTask<bool> TryPromote(IReadOnlyList<RungConfig> rungs)
    {
        for (int i = rungs.Count - 1; i >= 0; i--)
        {
            var rung = rungs[i];
            int runId = book.NextRunId + 1;
            if (await runtime.TryPromote(rung, runId) is { } trialId)
            {
                book.NextRunId = runId;
                book.Running[trialId] = new RunningTrial(runId, rung.NextMilestone, rung.Bracket);
                book.Paused--;
                book.Promotions++;
                await runtime.OnPromoted(trialId, rung, runId);
                return true;
            }
        }
        return false;
    }

    private async ValueTask<bool> StartNew(int bracket, RungConfig[] rungs)
    {
        int trialId = book.NextTrialId;
        if (await runtime.Suggest(trialId) is null)
        {
            book.SearcherExhausted = true;
            return false;
        }
        book.NextTrialId++;
        book.Started++;
        int runId = ++book.NextRunId;
        int milestone = layout.FirstMilestone(rungs);
        book.Running[trialId] = new RunningTrial(runId, milestone, bracket);
        await runtime.StartTrial(trialId, bracket, rungs, milestone, runId);
        return true;
    }
}
