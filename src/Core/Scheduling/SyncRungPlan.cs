namespace OrleansHpo.Core.Scheduling;

/// <summary>One planned rung of a synchronous Hyperband bracket: its level and how many results it collects.</summary>
/// <param name="Level">Rung level (resource); the last rung of a bracket has level max_t.</param>
/// <param name="Size">Number of trials evaluated at this level.</param>
public sealed record SyncRungPlan(int Level, int Size);
