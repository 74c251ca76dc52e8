namespace OrleansHpo.Core.Checkpoints;

/// <summary>A checkpoint chosen for removal: the paused trial, where it is paused, its rank and its score.</summary>
/// <param name="TrialId">The paused trial.</param>
/// <param name="Rung">Rung it is paused at.</param>
/// <param name="Rank">Rank in the rung, 1 = best (promoted entries count).</param>
/// <param name="RungLength">Entries in the rung.</param>
/// <param name="Score">level x P(resumed) for speculative removal; 0 for the baselines.</param>
public sealed record CheckpointRemovalChoice(int TrialId, RungKey Rung, int Rank, int RungLength, double Score);
