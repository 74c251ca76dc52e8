namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>One epoch's metrics as reported by a trial; (TrialId, Epoch) is the key, never recorded twice.</summary>
[GenerateSerializer, Immutable, Alias("hpo.EpochReport")]
public sealed record EpochReport(
    [property: Id(0)] int TrialId,
    [property: Id(1)] int Epoch,
    [property: Id(2)] Dictionary<string, double> Metrics,
    [property: Id(3)] DateTime WorkerUtc,
    [property: Id(4)] double WorkerSeconds,
    [property: Id(5)] TrialDecision Decision)
{
    /// <summary>Epochs retrained from scratch (checkpoint missing or corrupt) just before this report; 0 normally.
    /// Written to results.csv as <c>st_retrained_epochs</c>.</summary>
    [Id(6)] public int RetrainedEpochs { get; init; }
}
