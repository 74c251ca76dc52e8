using OrleansHpo.Core.Spec;

namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>Orleans' wire form of <see cref="RungConfig"/> (a plain record of OrleansHpo.Core, which knows no Orleans).</summary>
[GenerateSerializer, Immutable, Alias("hpo.RungConfig")]
public readonly record struct RungConfigSurrogate(
    [property: Id(0)] string Experiment,
    [property: Id(1)] int Bracket,
    [property: Id(2)] int Level,
    [property: Id(3)] int NextMilestone,
    [property: Id(4)] RungKind Kind,
    [property: Id(5)] Mode Mode,
    [property: Id(6)] double Quantile,
    [property: Id(7)] int Capacity,
    [property: Id(8)] int NumPromote);

/// <summary>Converts <see cref="RungConfig"/> to and from its wire form.</summary>
[RegisterConverter]
public sealed class RungConfigSurrogateConverter : IConverter<RungConfig, RungConfigSurrogate>
{
    public RungConfig ConvertFromSurrogate(in RungConfigSurrogate s) =>
        new(s.Experiment, s.Bracket, s.Level, s.NextMilestone, s.Kind, s.Mode, s.Quantile, s.Capacity, s.NumPromote);

    public RungConfigSurrogate ConvertToSurrogate(in RungConfig r) =>
        new(r.Experiment, r.Bracket, r.Level, r.NextMilestone, r.Kind, r.Mode, r.Quantile, r.Capacity, r.NumPromote);
}
