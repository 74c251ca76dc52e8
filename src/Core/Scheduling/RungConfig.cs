using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// One rung of an experiment's layout: everything a rung needs to decide, sent with each call so a rung never reads
/// the spec (the grains carry it through <c>RungConfigSurrogate</c>).
/// </summary>
/// <param name="Experiment">Experiment name.</param>
/// <param name="Bracket">Bracket (asynchronous) or bracket instance (synchronous).</param>
/// <param name="Level">The rung's resource level.</param>
/// <param name="NextMilestone">Level a promoted trial trains up to.</param>
/// <param name="Kind">Decision rule.</param>
/// <param name="Mode">min or max.</param>
/// <param name="Quantile">Promotion quantile r_j / r_(j+1) (asynchronous kinds).</param>
/// <param name="Capacity">Trials the rung holds (synchronous).</param>
/// <param name="NumPromote">Trials promoted once full (synchronous).</param>
public sealed record RungConfig(
    string Experiment,
    int Bracket,
    int Level,
    int NextMilestone,
    RungKind Kind,
    Mode Mode,
    double Quantile,
    int Capacity,
    int NumPromote)
{
    /// <summary>The rung grain's key: one grain per (experiment, bracket, level).</summary>
    public string GrainKey => RungKeys.Of(Experiment, Bracket, Level);
}
