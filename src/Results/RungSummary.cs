namespace OrleansHpo.Results;

/// <summary>
/// Trials by rung level: how many reached it, and where trials are now. A trial "is at" the highest rung level it has
/// reported (level 0: below the first rung); the final row is max_t, where trials complete.
/// </summary>
/// <param name="Level">Rung level (resource), 0 for "before the first rung".</param>
/// <param name="Reached">Trials that reported at this level.</param>
/// <param name="Running">Trials at this level still training towards the next one.</param>
/// <param name="Paused">Trials paused at this level (waiting for a promotion).</param>
/// <param name="Stopped">Trials stopped at this level (by the scheduler, or by the end of the experiment).</param>
/// <param name="Completed">Trials that completed (only at max_t).</param>
/// <param name="Promoted">Trials that went on past this level after reaching it (continued or were promoted).</param>
public sealed record RungSummary(int Level, int Reached, int Running, int Paused, int Stopped, int Completed, int Promoted);
