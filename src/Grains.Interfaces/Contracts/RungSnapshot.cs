namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>One entry of a rung as seen from outside.</summary>
[GenerateSerializer, Immutable, Alias("hpo.RungEntryView")]
public sealed record RungEntryView(
    [property: Id(0)] int TrialId,
    [property: Id(1)] double Value,
    [property: Id(2)] bool Promoted);

/// <summary>A rung's recorded entries, best first (asynchronous) or in arrival order (synchronous).</summary>
[GenerateSerializer, Immutable, Alias("hpo.RungSnapshot")]
public sealed record RungSnapshot(
    [property: Id(0)] int Bracket,
    [property: Id(1)] int Level,
    [property: Id(2)] RungEntryView[] Entries);
