using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains.Checkpoints;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// One occupancy of a worker slot by a trial: the epoch loop, run on a worker thread. Loads the checkpoint (or
/// retrains from scratch when there is none), trains epoch by epoch up to the milestone, writes a checkpoint
/// before reporting at the epochs where the trial can pause, and reports to its trial grain through grain calls.
/// The grain's answer decides whether it goes on; reaching the milestone always ends the run (max_resource_attr).
/// </summary>
internal sealed class TrialRun
{
    private readonly ITrialGrain _self;
    private readonly TrialPlan _plan;
    private readonly CheckpointRef? _checkpoint;
    private readonly int _resumeFrom;
    private readonly int _milestone;
    private readonly long _fence;
    private readonly string _silo;
    private readonly ITrainableFactory _factory;
    private readonly ICheckpointStore _store;
    private readonly WorkerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cancel;
    /// <summary>Cancelled when the grain detaches the run (it deactivates): ends a wait on a call to that grain.</summary>
    private readonly CancellationTokenSource _detach = new();
    private readonly HashSet<int> _decisionEpochs;
    private readonly HashSet<int> _checkpointEpochs;
    private readonly HashSet<int> _rungLevels;
    private readonly long _createdAt = Stopwatch.GetTimestamp();
    private int _retrained;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerPool? _pool;
    private volatile Thread? _thread;

    public TrialRun(
        ITrialGrain self, TrialPlan plan, int runId, int resumeFrom, CheckpointRef? checkpoint, int milestone,
        ITrainableFactory factory, ICheckpointStore store, WorkerOptions options, ILogger logger, long fence = 0, string silo = "")
    {
        _fence = fence;
        _silo = silo;
        _self = self;
        _plan = plan;
        RunId = runId;
        _resumeFrom = resumeFrom;
        _checkpoint = checkpoint;
        _milestone = milestone;
        _factory = factory;
        _store = store;
        _options = options;
        _logger = logger;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(options.Drain.AbortToken, options.Store.LostToken);
        _cancel.Token.Register(() => Interlocked.CompareExchange(ref _cancelledAt, Stopwatch.GetTimestamp(), 0));
        _decisionEpochs = TrialPolicy.DecisionEpochs(plan.Rungs, milestone, plan.MaxT);
        _rungLevels = [.. plan.Rungs.Select(r => r.Level)];
        _checkpointEpochs = TrialPolicy.CheckpointEpochs(plan.Rungs, milestone, plan.MaxT, plan.KeepFinalCheckpoint);
    }

    public int RunId { get; }

    private long _cancelledAt;

    /// <summary>How long ago the run was first cancelled (by its grain, a drain's abort or a stop); zero if it was not.</summary>
    public TimeSpan SinceCancelled => Interlocked.Read(ref _cancelledAt) is var at and > 0 ? Stopwatch.GetElapsedTime(at) : TimeSpan.Zero;

    /// <summary>Epochs this run retrains because no checkpoint could be loaded; set before its first report.</summary>
    public int RetrainedEpochs => Volatile.Read(ref _retrained);

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Set when the activation is going away: the run must not call its grain again.</summary>
    public bool Detached { get; private set; }

    public void Start(WorkerPool pool)
    {
        _pool = pool;
        Completion = pool.Run(Execute, thread => _thread = thread);
    }

    /// <summary>Completes when the epoch loop has exited (also for an abandoned run, whenever its code returns).</summary>
    public Task Exited => _exited.Task;

    /// <summary>True once <see cref="Abandon"/> gave up on this run.</summary>
    public bool Abandoned { get; private set; }

    /// <summary>
    /// The run did not honour cancellation within the grace period: never call the grain again, and give its worker
    /// slot a new thread. The old thread is left to its code (it cannot be killed in .NET) and counted until it returns.
    /// </summary>
    public void Abandon()
    {
        Detached = true;
        Abandoned = true;
        _detach.Cancel();
        _cancel.Cancel();
        if (_thread is { } thread)
        {
            _pool?.Abandon(thread);
        }
    }

    /// <summary>
    /// A call from the run's thread to its trial grain, retried with backoff while it fails for a transient reason
    /// (silo or storage unreachable, timeout) and the run is neither cancelled nor detached. Still failing after
    /// <see cref="TransientRetry.Budget"/>: thrown, and the run ends without a verdict (see the catch in Execute).
    /// </summary>
    private T CallGrain<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + TransientRetry.Budget;
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                // A cancelled run stops waiting at once (the store lost, a drain's leeway over); the grain still handles
                // the call if it arrives, and hears of the run's end next (OnRunEnded), as for any cancelled run.
                return Await(call().WaitAsync(_cancel.Token));
            }
            catch (Exception e) when (FailureClassifier.Classify(e) == FailureClass.Transient && !Detached
                                      && !_cancel.IsCancellationRequested && DateTime.UtcNow < deadline)
            {
                _logger.LogWarning("Trial {TrialId}: run {RunId} could not reach its grain ({Error}); retrying in {Delay} ms", _plan.TrialId, RunId, e.GetType().Name, delay.TotalMilliseconds);
                _cancel.Token.WaitHandle.WaitOne(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    /// <summary>Cancel within one batch. <paramref name="detach"/>: the grain is deactivating, do not report back.</summary>
    public void Cancel(bool detach)
    {
        Detached |= detach;
        if (detach)
        {
            _detach.Cancel();
        }
        _cancel.Cancel();
    }

    /// <summary>
    /// Waits on a call to the run's own grain, or until the grain detaches the run. A grain that deactivates (halt,
    /// shutdown, pause) waits for its run to exit, and a call sent to it just before cannot be delivered until the
    /// deactivation ends: without this the two wait on each other until the response timeout, and the process cannot
    /// exit meanwhile (docs/architecture.md, "Failures").
    /// </summary>
    private T Await<T>(Task<T> call) => call.WaitAsync(_detach.Token).GetAwaiter().GetResult();

    private void Await(Task call) => call.WaitAsync(_detach.Token).GetAwaiter().GetResult();

    private void Execute()
    {
        var token = _cancel.Token;
        int retrained = 0; // the grain counts it at the first report (RetrainedEpochs) and logs it (OnCheckpointLost)
        HpoMetrics.TrialsRunning.Add(1);
        string? error = null;
        ITrainable? trainable = null;
        // Begin and end of every run, with its silo and run id: the partition checker (bench/OrleansHpo.Chaos)
        // checks from these lines that no two runs of a trial made progress at overlapping times.
        string outcome = "cancelled";
        _logger.LogInformation("Trial {TrialId} run {RunId} begins on {Silo} after epoch {ResumeFrom}, trains to {Milestone} (fence {Fence})",
            _plan.TrialId, RunId, _silo, _resumeFrom, _milestone, _fence);
        try
        {
            if (_fence > 0)
            {
                // From here on no older run of this trial (a stale activation) can write a checkpoint.
                _store.ClaimFence(CheckpointScope.Of(_plan), _plan.TrialId, _fence);
            }
            trainable = TrainableFaultException.Create(_factory);
            int start = 1;
            Stream? checkpoint = null;
            string? problem = null;
            if (_checkpoint is not null)
            {
                checkpoint = _store.TryOpen(_checkpoint, out problem);
                if (checkpoint is not null)
                {
                    HpoMetrics.CheckpointBytesRead.Add(checkpoint.Length);
                }
            }
            else if (_resumeFrom > 0)
            {
                problem = "no checkpoint was recorded";
            }
            bool ready = false;
            if (checkpoint is not null)
            {
                start = _checkpoint!.Epoch + 1;
                try
                {
                    var loading = trainable;
                    TrainableFaultException.Guard("Setup", () => loading.Setup(Context(start)));
                    using (checkpoint)
                    {
                        TrainableFaultException.Guard("LoadCheckpoint", () => loading.LoadCheckpoint(checkpoint));
                    }
                    ready = true;
                }
                catch (TrainableFaultException e) when (e.InnerException is InvalidDataException or EndOfStreamException)
                {
                    // Intact bytes the trainable cannot read (another version, another architecture): as corrupt.
                    problem = $"checkpoint {_checkpoint.Uri} cannot be loaded ({e.InnerException.Message})";
                    trainable.Dispose();
                    trainable = TrainableFaultException.Create(_factory);
                    start = 1;
                }
            }
            if (start == 1 && _resumeFrom > 0)
            {
                // Missing or corrupt checkpoint: retrain from scratch; the grain logs and counts it, and does not
                // record the reports up to resume_from again (docs/architecture.md, "A trial's life").
                retrained = _resumeFrom;
                Volatile.Write(ref _retrained, retrained);
                if (Detached)
                {
                    return;
                }
                var lost = problem ?? "the checkpoint could not be read";
                CallGrain(async () => { await _self.OnCheckpointLost(RunId, _resumeFrom, lost); return 0; });
            }
            if (!ready)
            {
                var fresh = trainable;
                TrainableFaultException.Guard("Setup", () => fresh.Setup(Context(start)));
            }

            if (_resumeFrom > 0)
            {
                HpoMetrics.ResumeLatency.Record(Stopwatch.GetElapsedTime(_createdAt).TotalMilliseconds);
            }
            var pending = new List<EpochReport>();
            CheckpointRef? written = null;
            var sinceFlush = Stopwatch.StartNew();
            var clock = Stopwatch.StartNew();
            int lastCheckpoint = checkpoint is not null ? start - 1 : 0;
            for (int epoch = start; epoch <= _milestone; epoch++)
            {
                token.ThrowIfCancellationRequested();
                if (_options.Drain.IsDraining)
                {
                    // Graceful shutdown or time limit: checkpoint the last finished epoch, report it, end the run.
                    outcome = "drained";
                    Drain(trainable, epoch - 1, start, lastCheckpoint, pending, written);
                    return;
                }
                long epochStarted = Stopwatch.GetTimestamp();
                var training = trainable;
                int current = epoch;
                var metrics = TrainableFaultException.Guard($"TrainEpoch({epoch})", () => training.TrainEpoch(current, token));
                if (!metrics.TryGetValue(_plan.Metric, out var value))
                {
                    throw new TrainableFaultException(
                        $"The trainable '{_plan.Trainable}' reported no '{_plan.Metric}' at epoch {epoch} (it reported: {string.Join(", ", metrics.Keys)}). Set the spec's metric to one of those.");
                }
                if (!double.IsFinite(value))
                {
                    throw new TrainableFaultException($"The trainable reported {_plan.Metric} = {value} at epoch {epoch}.");
                }
                if ((_plan.CheckpointEveryEpoch || _checkpointEpochs.Contains(epoch)) && epoch >= start)
                {
                    // Checkpoint before the report: once the scheduler hears of this epoch, it may pause the trial.
                    written = _store.Save(CheckpointScope.Of(_plan), _plan.TrialId, epoch, _fence, trainable.SaveCheckpoint);
                    HpoMetrics.CheckpointBytesWritten.Add(written.Bytes);
                    lastCheckpoint = epoch;
                }
                _options.Drain.ObserveEpoch(Stopwatch.GetElapsedTime(epochStarted));
                pending.Add(new EpochReport(_plan.TrialId, epoch, new Dictionary<string, double>(metrics), DateTime.UtcNow,
                    clock.Elapsed.TotalSeconds, TrialDecision.Continue));
                // A new checkpoint is flushed at once, so the trial's state names it before the next epoch starts: a
                // crash then recomputes at most the epoch in progress (the chaos bench saw 2 with batched reports).
                if (written is not null || _decisionEpochs.Contains(epoch) || sinceFlush.Elapsed >= _options.ReportFlushInterval)
                {
                    if (Detached)
                    {
                        return;
                    }
                    long sent = Stopwatch.GetTimestamp();
                    var batch = pending.ToArray();
                    var checkpointed = written;
                    var decision = CallGrain(() => _self.OnEpochs(RunId, batch, checkpointed));
                    if (_rungLevels.Contains(epoch))
                    {
                        HpoMetrics.DecisionLatency.Record(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }
                    pending.Clear();
                    written = null;
                    sinceFlush.Restart();
                    if (decision != TrialDecision.Continue)
                    {
                        outcome = decision.ToString();
                        return;
                    }
                }
            }
            // The milestone is always a decision epoch, so the loop ends through a decision above.
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            error = null;
        }
        catch (StaleCheckpointWriteException e)
        {
            // A newer run of this trial owns it (its activation persisted a higher fence): stop without writing state.
            Detached = true;
            outcome = "stale";
            _logger.LogWarning("Trial {TrialId}: stale run {RunId} stops without writing ({Message})", _plan.TrialId, RunId, e.Message);
        }
        catch (Exception e) when (e is TrainableFaultException || FailureClassifier.Classify(e) == FailureClass.Trainable)
        {
            // The trainable's fault (or a bug of ours, which cannot be told apart): fails this trial only.
            error = e.Message;
            outcome = "failed";
            _logger.LogWarning(e, "Trial {TrialId} failed in run {RunId}", _plan.TrialId, RunId);
        }
        catch (Exception e) when (FailureClassifier.LastingCause(e) is { } cause)
        {
            // Disk full, read-only, permission: the experiment halts; the trial keeps its last persisted state.
            _logger.LogError("Trial {TrialId}: run {RunId} ends on a storage fault: {Cause}", _plan.TrialId, RunId, cause);
            if (!Detached)
            {
                Detached = true;
                try
                {
                    Await(_self.OnRunFault(RunId, cause));
                }
                catch (OperationCanceledException) when (_detach.IsCancellationRequested)
                {
                    // The grain went away meanwhile (the experiment halted it): nothing left to tell it.
                }
                catch (Exception report)
                {
                    _logger.LogWarning("Trial {TrialId}: could not report the storage fault ({Error})", _plan.TrialId, report.Message);
                }
            }
        }
        catch (Exception e)
        {
            // Transient and still failing after the retries: end the run without a verdict. The trial stays Running
            // in its persisted state and the experiment's reconcile loop re-drives it from its last checkpoint.
            outcome = "lost contact";
            _logger.LogWarning("Trial {TrialId}: run {RunId} ends on a transient fault ({Error}); the experiment re-drives it", _plan.TrialId, RunId, e.Message);
        }
        finally
        {
            try
            {
                trainable?.Dispose();
            }
            catch (Exception e)
            {
                _logger.LogWarning("Trial {TrialId}: the trainable's Dispose threw {Error}", _plan.TrialId, e.Message);
            }
            HpoMetrics.TrialsRunning.Add(-1);
            _logger.LogInformation("Trial {TrialId} run {RunId} ends on {Silo}: {Outcome}{Detached}", _plan.TrialId, RunId, _silo, outcome, Detached ? " (detached)" : "");
            _exited.TrySetResult();
        }

        if (!Detached)
        {
            try
            {
                Await(_self.OnRunEnded(RunId, error, retrained));
            }
            catch (OperationCanceledException) when (_detach.IsCancellationRequested)
            {
                // Detached while reporting: the grain is going away and re-drives the trial from its persisted state.
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Trial {TrialId}: could not report the end of run {RunId}", _plan.TrialId, RunId);
            }
        }
    }

    private void Drain(ITrainable trainable, int finished, int start, int lastCheckpoint, List<EpochReport> pending, CheckpointRef? written)
    {
        if (finished >= start && lastCheckpoint != finished)
        {
            written = _store.Save(CheckpointScope.Of(_plan), _plan.TrialId, finished, _fence, trainable.SaveCheckpoint);
            HpoMetrics.CheckpointBytesWritten.Add(written.Bytes);
        }
        _logger.LogInformation("Trial {TrialId}: silo draining, run {RunId} ends after epoch {Epoch} with checkpoint {Checkpoint}",
            _plan.TrialId, RunId, finished, written?.Uri ?? "(unchanged)");
        if ((pending.Count > 0 || written is not null) && !Detached)
        {
            CallGrain(() => _self.OnEpochs(RunId, [.. pending], written));
        }
        HpoMetrics.TrialsDrained.Add(1);
    }

    private TrialContext Context(int start) => new(
        _plan.TrialId, Config(), start, _milestone,
        [.. _plan.Rungs.Select(r => r.Level)], _options.Device, _plan.Seed, _options.EffectiveIntraOpThreads);

    private Dictionary<string, object> Config()
    {
        var config = new Dictionary<string, object>(_plan.Config);
        if (_plan.MaxResourceAttr is { } attr)
        {
            config[attr] = (long)_milestone;
        }
        return config;
    }
}
