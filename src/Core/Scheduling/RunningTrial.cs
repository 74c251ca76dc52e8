namespace OrleansHpo.Core.Scheduling;

/// <summary>A trial in a worker slot: its run id, the epoch it trains to and its bracket (an instance id for synchronous schedulers).</summary>
public sealed record RunningTrial(int RunId, int Milestone, int Bracket);
