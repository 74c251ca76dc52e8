using Orleans.Concurrency;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.Interfaces;

/// <summary>
/// One experiment (key: its name). Owns the searcher, the stop criteria and the n_workers slots; asks rung grains
/// for promotions when a slot frees up and starts new trials otherwise. Trials talk to it one-way, except for the
/// read-only, interleaving <see cref="ConfirmRecorded"/>, so no call chain can block on a trial that waits for it.
/// </summary>
public interface IExperimentGrain : IGrainWithStringKey
{
    /// <summary>Start the experiment. Idempotent: starting a running experiment with the same spec does nothing.</summary>
    Task<ExperimentStatus> Start(StartExperimentRequest request);

    /// <summary>Continue after a crash or restart: recover running trials from their checkpoints and refill slots.</summary>
    Task<ExperimentStatus> Resume();

    /// <summary>Current progress. Interleaves with other calls: it never waits for a searcher's Suggest.</summary>
    [AlwaysInterleave]
    Task<ExperimentStatus> GetStatus();

    /// <summary>Graceful stop: running trials are stopped, their status recorded.</summary>
    Task<ExperimentStatus> RequestStop(string reason);

    /// <summary>A trial or its run hit a lasting storage fault: the experiment halts (docs/architecture.md, "Failures"). One-way.</summary>
    [OneWay]
    Task OnStorageFault(string cause);

    /// <summary>
    /// Which of <paramref name="epochs"/> of trial <paramref name="trialId"/> are recorded durably: written to
    /// results.csv before the experiment's state was last saved. The trial drops those from its state, which stays
    /// bounded (docs/architecture.md, "Bounded grain state"). Interleaves with other calls (it reads only), so a trial
    /// can await it while the experiment awaits that trial.
    /// </summary>
    [AlwaysInterleave]
    Task<int[]> ConfirmRecorded(int trialId, int[] epochs);

    /// <summary>New reports from a trial and, when it leaves its slot, how it ended. One-way: trials never wait on it.</summary>
    [OneWay]
    Task OnTrialEvent(TrialEvent trialEvent);
}
