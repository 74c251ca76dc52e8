namespace OrleansHpo.Dashboard;

/// <summary>A checkpoint reference: where it is, the epoch it holds, its size and checksum.</summary>
public sealed record CheckpointInfo(string Location, int Epoch, long Bytes, string Sha256);
