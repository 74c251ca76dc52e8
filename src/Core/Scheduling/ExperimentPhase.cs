namespace OrleansHpo.Core.Scheduling;

/// <summary>Where an experiment is in its life.</summary>
public enum ExperimentPhase
{
    NotStarted = 0,
    Running = 1,
    /// <summary>A stop criterion fired or a stop was requested; running trials are being stopped.</summary>
    Stopping = 2,
    Completed = 3,
    Failed = 4,
    /// <summary>
    /// The <c>hpo</c> process running an embedded experiment was interrupted (first SIGINT/SIGTERM, or <c>hpo stop</c>)
    /// and drained it: every running trial checkpointed its last finished epoch and is resumed by <c>hpo resume</c>.
    /// Only metadata.json and the client's final status say so; the persisted experiment state stays Running.
    /// </summary>
    Interrupted = 5,
}
