namespace OrleansHpo.Grains.State;

/// <summary>A rung's persisted entries.</summary>
[GenerateSerializer, Alias("hpo.RungState")]
public sealed class RungState
{
    [Id(0)] public List<RungEntryState> Entries { get; set; } = [];
}

/// <summary>One trial's result at a rung.</summary>
[GenerateSerializer, Alias("hpo.RungEntryState")]
public sealed record RungEntryState(
    [property: Id(0)] int TrialId,
    [property: Id(1)] double Value,
    [property: Id(2)] bool Promoted,
    [property: Id(3)] long Arrival);
