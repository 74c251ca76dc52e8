using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.State;

/// <summary>An experiment's persisted state. Paused trials are not listed: their rungs and their own state hold them.</summary>
[GenerateSerializer, Alias("hpo.ExperimentState")]
public sealed class ExperimentState : ISchedulerBook
{
    [Id(0)] public string? SpecJson { get; set; }
    [Id(1)] public string ResultsDir { get; set; } = "";
    [Id(2)] public ExperimentPhase Phase { get; set; }
    [Id(3)] public int NextTrialId { get; set; }
    [Id(4)] public int NextRunId { get; set; }
    /// <summary>Trials holding a worker slot, by trial id.</summary>
    [Id(5)] public Dictionary<int, RunningTrial> Running { get; set; } = [];
    [Id(6)] public int Started { get; set; }
    [Id(7)] public int Paused { get; set; }
    [Id(8)] public int Stopped { get; set; }
    [Id(9)] public int Completed { get; set; }
    [Id(10)] public int Failed { get; set; }
    [Id(11)] public int Promotions { get; set; }
    [Id(12)] public long Reports { get; set; }
    /// <summary>Tuner time used so far; a resumed experiment continues from here (wall-clock budget is rebased).</summary>
    [Id(13)] public double ElapsedSeconds { get; set; }
    [Id(14)] public int? BestTrialId { get; set; }
    [Id(15)] public double? BestValue { get; set; }
    [Id(16)] public int BestEpoch { get; set; }
    [Id(17)] public string? StopReason { get; set; }
    [Id(18)] public string? Error { get; set; }
    [Id(19)] public List<SyncBracketInstance> SyncInstances { get; set; } = [];
    [Id(20)] public int RetrainedEpochs { get; set; }
    [Id(21)] public DateTime CreatedUtc { get; set; }
    [Id(22)] public bool SearcherExhausted { get; set; }
    [Id(23)] public int NextSyncInstance { get; set; }
    /// <summary>Checkpoint budget and disk accounting (docs/architecture.md, "Checkpoint budget").</summary>
    [Id(40)] public CheckpointAccountingState Checkpoints { get; set; } = new();
    /// <summary>Runs that retrained from scratch (checkpoint missing or corrupt): metadata num_retrained_from_scratch.</summary>
    [Id(24)] public int RetrainedFromScratch { get; set; }
    /// <summary>Runs abandoned because they ignored cancellation past the grace period (their trials are failed).</summary>
    [Id(25)] public int AbandonedRuns { get; set; }
    /// <summary>The experiment ended because someone asked it to (RequestStop), not by a stop criterion: resume reopens it.</summary>
    [Id(60)] public bool StoppedOnRequest { get; set; }
}
