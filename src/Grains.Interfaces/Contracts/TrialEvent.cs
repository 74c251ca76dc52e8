namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>A trial tells its experiment about new reports and, when it leaves its slot, how it ended.</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="Reports">New reports, in epoch order (may be empty).</param>
/// <param name="Outcome">Null while the trial keeps training; else Paused, Stopped, Completed or Failed.</param>
/// <param name="Level">Epoch reached when the trial left its slot.</param>
/// <param name="Error">Failure message when Outcome is Failed.</param>
/// <param name="RetrainedEpochs">Epochs trained again because no checkpoint could be loaded.</param>
/// <param name="RunId">The run (slot occupancy) this event belongs to.</param>
[GenerateSerializer, Immutable, Alias("hpo.TrialEvent")]
public sealed record TrialEvent(
    [property: Id(0)] int TrialId,
    [property: Id(1)] EpochReport[] Reports,
    [property: Id(2)] TrialStatus? Outcome,
    [property: Id(3)] int Level,
    [property: Id(4)] string? Error,
    [property: Id(5)] int RetrainedEpochs,
    [property: Id(6)] int RunId)
{
    /// <summary>True when this event announces a run that retrains from scratch (its checkpoint was missing or corrupt).</summary>
    [Id(8)] public bool RetrainedFromScratch { get; init; }

    /// <summary>True when the trial failed because its run ignored cancellation past the grace period and was abandoned.</summary>
    [Id(9)] public bool Abandoned { get; init; }
}
