using OrleansHpo.Core.Spec;

namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>Everything a rung grain needs to decide; sent with each call so a rung never reads the spec.</summary>
/// <param name="Experiment">Experiment name.</param>
/// <param name="Bracket">Bracket (asynchronous) or bracket instance (synchronous).</param>
/// <param name="Level">The rung's resource level.</param>
/// <param name="NextMilestone">Level a promoted trial trains up to.</param>
/// <param name="Kind">Decision rule.</param>
/// <param name="Mode">min or max.</param>
/// <param name="Quantile">Promotion quantile r_j / r_(j+1) (asynchronous kinds).</param>
/// <param name="Capacity">Trials the rung holds (synchronous).</param>
/// <param name="NumPromote">Trials promoted once full (synchronous).</param>
[GenerateSerializer, Immutable, Alias("hpo.RungConfig")]
public sealed record RungConfig(
    [property: Id(0)] string Experiment,
    [property: Id(1)] int Bracket,
    [property: Id(2)] int Level,
    [property: Id(3)] int NextMilestone,
    [property: Id(4)] RungKind Kind,
    [property: Id(5)] Mode Mode,
    [property: Id(6)] double Quantile,
    [property: Id(7)] int Capacity,
    [property: Id(8)] int NumPromote)
{
    /// <summary>The rung grain's key: one grain per (experiment, bracket, level).</summary>
    public string GrainKey => RungKeys.Of(Experiment, Bracket, Level);
}
