using OrleansHpo.Core.Spec;

namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>What a trial is: fixed when the experiment starts it, persisted in the trial's state.</summary>
[GenerateSerializer, Immutable, Alias("hpo.TrialPlan")]
public sealed record TrialPlan
{
    [Id(0)] public required string Experiment { get; init; }
    [Id(1)] public required int TrialId { get; init; }
    [Id(2)] public required string Trainable { get; init; }
    /// <summary>Hyperparameters: long, double, string or bool values.</summary>
    [Id(3)] public required Dictionary<string, object> Config { get; init; }
    [Id(4)] public required string Metric { get; init; }
    [Id(5)] public required Mode Mode { get; init; }
    [Id(6)] public required string ResourceAttr { get; init; }
    [Id(7)] public string? MaxResourceAttr { get; init; }
    /// <summary>Bracket (async) or bracket instance (sync).</summary>
    [Id(8)] public required int Bracket { get; init; }
    /// <summary>Rung configs of the trial's bracket, lowest level first; empty for FIFO.</summary>
    [Id(9)] public required RungConfig[] Rungs { get; init; }
    [Id(10)] public required int MaxT { get; init; }
    [Id(11)] public required int Seed { get; init; }
    [Id(12)] public bool CheckpointEveryEpoch { get; init; }
    /// <summary>Folder (or blob prefix) for this experiment's checkpoints.</summary>
    [Id(13)] public required string CheckpointRoot { get; init; }
    /// <summary>checkpoints.keep_best: when above 0, a trial that ends keeps its final checkpoint until the
    /// experiment knows it is not among the best (the trial then writes a checkpoint at max_t too).</summary>
    [Id(14)] public int KeepBestCheckpoints { get; init; }
}
