namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>An experiment's progress: counts per trial status, workers, best so far, budget.</summary>
[GenerateSerializer, Immutable, Alias("hpo.ExperimentStatus")]
public sealed record ExperimentStatus
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required ExperimentPhase Phase { get; init; }
    [Id(2)] public required int Started { get; init; }
    [Id(3)] public required int Running { get; init; }
    [Id(4)] public required int Paused { get; init; }
    [Id(5)] public required int Stopped { get; init; }
    [Id(6)] public required int Completed { get; init; }
    [Id(7)] public required int Failed { get; init; }
    [Id(8)] public required int Promotions { get; init; }
    [Id(9)] public required long Reports { get; init; }
    [Id(10)] public required int Workers { get; init; }
    [Id(11)] public required double ElapsedSeconds { get; init; }
    [Id(12)] public double? MaxWallclockSeconds { get; init; }
    [Id(13)] public int? BestTrialId { get; init; }
    [Id(14)] public double? BestValue { get; init; }
    [Id(15)] public int BestEpoch { get; init; }
    [Id(16)] public Dictionary<string, object>? BestConfig { get; init; }
    [Id(17)] public string? StopReason { get; init; }
    [Id(18)] public string? Error { get; init; }
    [Id(19)] public int NumTrialsResumed { get; init; }
    [Id(20)] public int RetrainedEpochs { get; init; }
    [Id(21)] public string Metric { get; init; } = "";
    /// <summary>Runs that retrained from scratch because their checkpoint was missing or corrupt.</summary>
    [Id(22)] public int RetrainedFromScratch { get; init; }
}
