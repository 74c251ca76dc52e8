namespace OrleansHpo.Core.Checkpoints;

/// <summary>What the checkpoint budget knows about a trial (Syne Tune's four statuses in its removal callback).</summary>
public enum CheckpointHolderStatus
{
    /// <summary>Training: counts as holding a checkpoint.</summary>
    Running = 0,
    /// <summary>Paused at a rung with its checkpoint: a removal candidate.</summary>
    PausedWithCheckpoint = 1,
    /// <summary>Paused at a rung, checkpoint removed: a promotion retrains it from scratch.</summary>
    PausedWithoutCheckpoint = 2,
    /// <summary>Stopped, completed or failed: holds no checkpoint the budget counts.</summary>
    Finished = 3,
}
