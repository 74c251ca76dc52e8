using OrleansHpo.Core.Scheduling;

namespace OrleansHpo.Results;

/// <summary>
/// What <see cref="ExperimentMetadata"/> writes to metadata.json besides the spec: the run's phase, counts, best
/// report and checkpoint accounting. Plain values (no Orleans type): the experiment grain maps its persisted state
/// to it, the simulator fills it from its in-memory book.
/// </summary>
public sealed record MetadataSnapshot
{
    public required ExperimentPhase Phase { get; init; }
    public string? StopReason { get; init; }
    public string? Error { get; init; }
    public DateTime CreatedUtc { get; init; }
    public double ElapsedSeconds { get; init; }
    public int Started { get; init; }
    public int Running { get; init; }
    public int Paused { get; init; }
    public int Stopped { get; init; }
    public int Completed { get; init; }
    public int Failed { get; init; }
    public int Promotions { get; init; }
    public int NumTrialsResumed { get; init; }
    public long Reports { get; init; }
    public int RetrainedEpochs { get; init; }
    public int RetrainedFromScratch { get; init; }
    /// <summary>Checkpoint budget counters (Syne Tune's extra_results of its removal callback).</summary>
    public int NumCheckpointsRemoved { get; init; }
    public int NumResumedWithoutCheckpoint { get; init; }
    public long CostResources { get; init; }
    /// <summary>Checkpoint disk accounting (docs/architecture.md, "Checkpoint budget").</summary>
    public int CheckpointFiles { get; init; }
    public long CheckpointBytes { get; init; }
    public int CheckpointHighWaterFiles { get; init; }
    public long CheckpointHighWaterBytes { get; init; }
    public int CheckpointHighWaterPausedTrials { get; init; }
    public long CheckpointDiskSamples { get; init; }
    public int AbandonedRuns { get; init; }
    public int AbandonedThreads { get; init; }
    public int? BestTrialId { get; init; }
    public int BestEpoch { get; init; }
    public double? BestValue { get; init; }
    public IReadOnlyDictionary<string, object>? BestConfig { get; init; }
}
