namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// A checkpoint write refused because a newer run of the trial (a higher fence token) has already written one:
/// the writer is a stale activation and must stop without writing anything else.
/// </summary>
public sealed class StaleCheckpointWriteException : Exception
{
    public StaleCheckpointWriteException(int trialId, long fence, long newest)
        : base($"checkpoint write of trial {trialId} with fence {fence} refused: a newer run (fence {newest}) has written one")
    {
        TrialId = trialId;
        Fence = fence;
        Newest = newest;
    }

    public StaleCheckpointWriteException()
    {
    }

    public StaleCheckpointWriteException(string message)
        : base(message)
    {
    }

    public StaleCheckpointWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int TrialId { get; }

    /// <summary>The refused writer's token.</summary>
    public long Fence { get; }

    /// <summary>The newest token the store has seen for the trial.</summary>
    public long Newest { get; }
}
