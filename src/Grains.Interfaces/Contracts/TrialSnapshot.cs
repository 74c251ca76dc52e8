namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>A trial's state as seen from outside.</summary>
[GenerateSerializer, Immutable, Alias("hpo.TrialSnapshot")]
public sealed record TrialSnapshot
{
    [Id(0)] public required int TrialId { get; init; }
    [Id(1)] public required TrialStatus Status { get; init; }
    [Id(2)] public required int LastEpoch { get; init; }
    [Id(3)] public required int Milestone { get; init; }
    [Id(4)] public CheckpointRef? Checkpoint { get; init; }
    [Id(5)] public required int Activations { get; init; }
    [Id(6)] public required int RunId { get; init; }
    [Id(7)] public string? Error { get; init; }
    /// <summary>The reports the trial still holds: those its experiment has not confirmed as recorded, and always the
    /// last one. The full history is in results.csv (docs/architecture.md, "Bounded grain state").</summary>
    [Id(8)] public required EpochReport[] Reports { get; init; }
    [Id(9)] public string? Silo { get; init; }
    [Id(10)] public int RetrainedEpochs { get; init; }
    [Id(11)] public int PausedAt { get; init; }
    /// <summary>Runs that retrained from scratch because the checkpoint was missing or corrupt.</summary>
    [Id(12)] public int RetrainedFromScratch { get; init; }
}
