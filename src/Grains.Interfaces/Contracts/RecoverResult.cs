namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>A trial's answer when its experiment recovers: running again, or the outcome its experiment missed.
/// <see cref="Reports"/> are the reports the experiment has not confirmed as recorded, plus the last one.</summary>
[GenerateSerializer, Immutable, Alias("hpo.RecoverResult")]
public sealed record RecoverResult(
    [property: Id(0)] TrialStatus Status,
    [property: Id(1)] EpochReport[] Reports,
    [property: Id(2)] int Level,
    [property: Id(3)] int RunId,
    [property: Id(4)] int Milestone = 0);
