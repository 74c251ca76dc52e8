namespace OrleansHpo.Grains.State;

/// <summary>
/// An experiment's checkpoint bookkeeping: the checkpoint budget (as JSON, so the pure class in OrleansHpo.Core stays
/// free of Orleans) and the disk high-water marks measured after every experiment turn.
/// </summary>
[GenerateSerializer, Alias("hpo.CheckpointAccountingState")]
public sealed class CheckpointAccountingState
{
    /// <summary><see cref="Core.Checkpoints.CheckpointBudget.ToJson"/>; null before the first save or without a budget.</summary>
    [Id(0)] public string? BudgetJson { get; set; }
    /// <summary>Most checkpoint files seen on disk at once.</summary>
    [Id(1)] public int HighWaterFiles { get; set; }
    /// <summary>Most checkpoint bytes seen on disk at once.</summary>
    [Id(2)] public long HighWaterBytes { get; set; }
    /// <summary>Most paused trials seen holding checkpoint files at once (the budget's invariant: at most max_num_checkpoints).</summary>
    [Id(3)] public int HighWaterPausedTrials { get; set; }
    /// <summary>Checkpoint files on disk at the last measurement.</summary>
    [Id(4)] public int Files { get; set; }
    /// <summary>Checkpoint bytes on disk at the last measurement.</summary>
    [Id(5)] public long Bytes { get; set; }
    /// <summary>Disk measurements taken.</summary>
    [Id(6)] public long Samples { get; set; }
    /// <summary>Completed trials whose final checkpoint is kept (keep_best), best first.</summary>
    [Id(7)] public List<KeptCheckpoint> Kept { get; set; } = [];
    /// <summary>Completed trials whose final checkpoint must still be dropped (fell out of the best K).</summary>
    [Id(8)] public List<int> ToDrop { get; set; } = [];
}

/// <summary>A completed trial's final checkpoint kept by keep_best, with the final metric value that ranks it.</summary>
[GenerateSerializer, Alias("hpo.KeptCheckpoint")]
public sealed record KeptCheckpoint([property: Id(0)] int TrialId, [property: Id(1)] double Value);
