namespace OrleansHpo.Grains.Checkpoints;

/// <summary>Checkpoints stored under a root at one moment: files, bytes, and the trials that own at least one file.</summary>
public sealed record CheckpointUsage(int Files, long Bytes, IReadOnlySet<int> Trials);
