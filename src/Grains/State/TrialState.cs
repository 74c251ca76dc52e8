using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.State;

/// <summary>
/// A trial's persisted state: plan, status, where it paused, its last report, the reports its experiment has not yet
/// confirmed as recorded, and a reference to its checkpoint. Bounded: it does not grow with the trial's epochs, since
/// reports the experiment has durably recorded in results.csv are dropped from it (docs/architecture.md, "Bounded
/// grain state"). State files written before that (every report in <see cref="Unconfirmed"/>) read as they are: the
/// reports are confirmed and dropped at the trial's next write.
/// </summary>
[GenerateSerializer, Alias("hpo.TrialState")]
public sealed class TrialState
{
    [Id(0)] public TrialPlan? Plan { get; set; }
    [Id(1)] public TrialStatus Status { get; set; }
    /// <summary>Epoch the current (or last) run trains up to.</summary>
    [Id(2)] public int Milestone { get; set; }
    /// <summary>Slot occupancy the trial belongs to; stale runs and duplicate messages carry an older one.</summary>
    [Id(3)] public int RunId { get; set; }
    /// <summary>Level the trial paused at (Syne Tune's resume_from).</summary>
    [Id(4)] public int PausedAt { get; set; }
    /// <summary>Reports, in epoch order, not yet confirmed by the experiment as recorded (results.csv and its state
    /// saved): a recovering experiment fetches them again. Field 5 held every report before state was bounded.</summary>
    [Id(5)] public List<EpochReport> Unconfirmed { get; set; } = [];
    /// <summary>The last report recorded (its metric ranks a completed trial for checkpoints.keep_best).</summary>
    [Id(21)] public EpochReport? LastReport { get; set; }
    [Id(6)] public CheckpointRef? Checkpoint { get; set; }
    /// <summary>Highest epoch recorded; reports at or below it (a retrain after a lost checkpoint) are not recorded again.</summary>
    [Id(7)] public int LastEpoch { get; set; }
    [Id(8)] public string? Error { get; set; }
    [Id(9)] public int Activations { get; set; }
    [Id(10)] public int RetrainedEpochs { get; set; }
    [Id(11)] public string? StopReason { get; set; }
    /// <summary>Checkpoint fence token: raised and persisted before every run starts, so a newer run's token is higher
    /// than any stale activation's; the checkpoint store refuses writes with a lower token than it has seen.</summary>
    [Id(20)] public long CheckpointFence { get; set; }
    /// <summary>Runs that retrained from scratch because the checkpoint was missing or corrupt.</summary>
    [Id(12)] public int RetrainedFromScratch { get; set; }
    /// <summary>Epochs retrained but not yet marked on a recorded report (results.csv st_retrained_epochs).</summary>
    [Id(13)] public int UnmarkedRetrainedEpochs { get; set; }
}
