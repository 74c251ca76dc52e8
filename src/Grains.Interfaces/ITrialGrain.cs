using Orleans.Concurrency;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.Interfaces;

/// <summary>
/// One trial (key: "experiment/trialId"). Training runs on a worker thread outside the grain scheduler and reports
/// back through <see cref="OnEpochs"/>. Pausing persists the state and deactivates the grain: a paused trial has no
/// activation, no memory and no worker until a promotion reactivates it.
/// </summary>
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>Start a new trial: train from epoch 1 up to <paramref name="milestone"/>.</summary>
    Task Start(TrialPlan plan, int milestone, int runId);

    /// <summary>Promotion: continue a paused trial from its checkpoint (resume_from + 1) up to <paramref name="milestone"/>.
    /// Sent one-way by a rung grain; idempotent for the same run id.</summary>
    [OneWay]
    Task Resume(int milestone, int runId);

    /// <summary>Stop training (experiment stop criterion or a user stop); the outcome comes back as a trial event.</summary>
    Task Stop(string reason);

    /// <summary>After an experiment restart: make sure the trial of run <paramref name="runId"/> trains, or say how it ended.</summary>
    Task<RecoverResult> Recover(TrialPlan plan, int milestone, int runId);

    /// <summary>Called by the trial's own worker thread: new reports (and a fresh checkpoint, if one was written). Returns what to do next.</summary>
    Task<TrialDecision> OnEpochs(int runId, EpochReport[] reports, CheckpointRef? checkpoint);

    /// <summary>Called by the worker thread when training ended without a decision: cancelled, or the trainable failed.</summary>
    Task OnRunEnded(int runId, string? error, int retrainedEpochs);

    /// <summary>Called by the worker thread when its run hit a lasting storage fault (disk full, read-only, permission):
    /// nothing is written, the experiment is told to halt, the trial keeps its last persisted state.</summary>
    Task OnRunFault(int runId, string cause);

    /// <summary>The experiment halts: cancel the run without recording an outcome and deactivate; the trial stays as
    /// last persisted, so <c>hpo resume</c> re-drives it from its checkpoint.</summary>
    Task Interrupt();

    /// <summary>Called by the worker thread when a resumed run found its checkpoint missing or corrupt and retrains
    /// from scratch: counted and logged; the epochs already recorded are not recorded again.</summary>
    Task OnCheckpointLost(int runId, int lostEpochs, string problem);

    /// <summary>Checkpoint budget: a paused trial deletes its checkpoint file, then records in its state that it has none,
    /// so a later promotion retrains it from scratch; a completed trial that is not among the best K (keep_best) drops
    /// its final checkpoint the same way. Does nothing in any other status. Called by the experiment (which a trial
    /// only ever calls one-way, so no call cycle).</summary>
    Task DropCheckpoint();

    /// <summary>Status, reports and checkpoint reference, answered even while the trial trains.</summary>
    Task<TrialSnapshot> GetSnapshot();
}
