namespace OrleansHpo.Grains.State;

/// <summary>Orleans' stored form of <see cref="RunningTrial"/> (a plain record of OrleansHpo.Core).</summary>
[GenerateSerializer, Immutable, Alias("hpo.RunningTrial")]
public readonly record struct RunningTrialSurrogate([property: Id(0)] int RunId, [property: Id(1)] int Milestone, [property: Id(2)] int Bracket);

/// <summary>Converts <see cref="RunningTrial"/> to and from its stored form.</summary>
[RegisterConverter]
public sealed class RunningTrialSurrogateConverter : IConverter<RunningTrial, RunningTrialSurrogate>
{
    public RunningTrial ConvertFromSurrogate(in RunningTrialSurrogate s) => new(s.RunId, s.Milestone, s.Bracket);

    public RunningTrialSurrogate ConvertToSurrogate(in RunningTrial r) => new(r.RunId, r.Milestone, r.Bracket);
}

/// <summary>Orleans' stored form of <see cref="SyncBracketInstance"/>.</summary>
[GenerateSerializer, Alias("hpo.SyncBracketInstance")]
public struct SyncBracketInstanceSurrogate
{
    [Id(0)] public int Instance;
    [Id(1)] public int BracketIndex;
    [Id(2)] public int NewStarted;
    [Id(3)] public int[] Promoted;
}

/// <summary>Converts <see cref="SyncBracketInstance"/> to and from its stored form.</summary>
[RegisterConverter]
public sealed class SyncBracketInstanceSurrogateConverter : IConverter<SyncBracketInstance, SyncBracketInstanceSurrogate>
{
    public SyncBracketInstance ConvertFromSurrogate(in SyncBracketInstanceSurrogate s) =>
        new() { Instance = s.Instance, BracketIndex = s.BracketIndex, NewStarted = s.NewStarted, Promoted = s.Promoted ?? [] };

    public SyncBracketInstanceSurrogate ConvertToSurrogate(in SyncBracketInstance i) =>
        new() { Instance = i.Instance, BracketIndex = i.BracketIndex, NewStarted = i.NewStarted, Promoted = i.Promoted };
}
