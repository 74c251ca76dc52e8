using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// The experiment a checkpoint belongs to: its name (the key configured stores file checkpoints under) and the
/// default folder in its results (<c>DIR/NAME/checkpoints</c>, used when no store is configured).
/// </summary>
public sealed record CheckpointScope(string Experiment, string Root)
{
    public static CheckpointScope Of(TrialPlan plan) => new(plan.Experiment, plan.CheckpointRoot);
}
