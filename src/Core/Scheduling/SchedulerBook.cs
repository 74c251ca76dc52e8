namespace OrleansHpo.Core.Scheduling;

/// <summary>An in-memory <see cref="ISchedulerBook"/> (the simulator's).</summary>
public sealed class SchedulerBook : ISchedulerBook
{
    public ExperimentPhase Phase { get; set; }
    public int NextTrialId { get; set; }
    public int NextRunId { get; set; }
    public Dictionary<int, RunningTrial> Running { get; } = [];
    public int Started { get; set; }
    public int Paused { get; set; }
    public int Stopped { get; set; }
    public int Completed { get; set; }
    public int Failed { get; set; }
    public int Promotions { get; set; }
    public List<SyncBracketInstance> SyncInstances { get; } = [];
    public int NextSyncInstance { get; set; }
    public bool SearcherExhausted { get; set; }
    public string? StopReason { get; set; }
    public string? Error { get; set; }
    public double? BestValue { get; set; }
    public int? BestTrialId { get; set; }
    public int BestEpoch { get; set; }
    public long Reports { get; set; }
}
