namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>Where a trial's checkpoint is: a reference, never the bytes (tensors stay out of grain state).</summary>
[GenerateSerializer, Immutable, Alias("hpo.CheckpointRef")]
public sealed record CheckpointRef(
    [property: Id(0)] string Uri,
    [property: Id(1)] int Epoch,
    [property: Id(2)] string Sha256,
    [property: Id(3)] long Bytes);
