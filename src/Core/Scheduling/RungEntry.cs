namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// One trial's record at a rung: its metric value there, whether it was already promoted from the rung,
/// and its arrival order (used to break ties: the earlier arrival ranks first).
/// </summary>
/// <param name="TrialId">The trial.</param>
/// <param name="Value">Metric value reported at the rung level.</param>
/// <param name="Promoted">True once the trial was promoted from this rung.</param>
/// <param name="Arrival">Monotone arrival counter within the rung.</param>
public sealed record RungEntry(int TrialId, double Value, bool Promoted, long Arrival);
