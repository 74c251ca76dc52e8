namespace OrleansHpo.Grains.Execution;

/// <summary>
/// How an experiment notices trials whose silo died and re-drives them (cluster silos turn this on; the embedded
/// silo leaves it off and relies on <c>hpo resume</c>). Registered as a singleton on the silo.
/// </summary>
public sealed class RecoveryOptions
{
    /// <summary>Check running trials that have been silent this long (and re-drive those without a live run).</summary>
    public bool Enabled { get; set; }

    /// <summary>A running trial not heard from for this long is asked to <c>Recover</c>: a no-op while its run is alive.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the experiment waits for one trial's answer before trying again next round.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Period of the experiment's Orleans reminder, which reactivates it after a whole-cluster restart.
    /// Null: no reminder (no reminder service configured).</summary>
    public TimeSpan? ReminderPeriod { get; set; }
}
