namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// What <see cref="ExperimentScheduler"/> reads and updates: the experiment's counters, its worker slots and the
/// progress of synchronous brackets. The experiment grain persists it (its state implements this); the simulator
/// keeps a <see cref="SchedulerBook"/> in memory.
/// </summary>
public interface ISchedulerBook
{
    ExperimentPhase Phase { get; set; }
    int NextTrialId { get; set; }
    int NextRunId { get; set; }
    /// <summary>Trials holding a worker slot, by trial id.</summary>
    Dictionary<int, RunningTrial> Running { get; }
    int Started { get; set; }
    int Paused { get; set; }
    int Stopped { get; set; }
    int Completed { get; set; }
    int Failed { get; set; }
    int Promotions { get; set; }
    List<SyncBracketInstance> SyncInstances { get; }
    int NextSyncInstance { get; set; }
    bool SearcherExhausted { get; set; }
    string? StopReason { get; set; }
    string? Error { get; set; }
    /// <summary>Best metric value reported so far (mode decides best), with its trial and epoch.</summary>
    double? BestValue { get; set; }
    int? BestTrialId { get; set; }
    int BestEpoch { get; set; }
}
