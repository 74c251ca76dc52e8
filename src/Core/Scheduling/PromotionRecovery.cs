namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// What a restarted runtime does with a promotion a rung recorded while the trial is not in a slot
/// (<see cref="ExperimentScheduler.RecoverPromotion"/>).
/// </summary>
public enum PromotionRecovery
{
    /// <summary>Nothing to do: the trial holds a slot already, or it moved past the rung (ended, or paused higher up).</summary>
    None,

    /// <summary>The promotion never reached the trial: resume it as the run now recorded in the book.</summary>
    Resume,

    /// <summary>The trial runs the promotion already: its run is recorded in the book, re-drive it (Recover).</summary>
    Recover,
}
