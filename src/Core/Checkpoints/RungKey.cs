namespace OrleansHpo.Core.Checkpoints;

/// <summary>A rung: its bracket and its level.</summary>
public readonly record struct RungKey(int Bracket, int Level);
