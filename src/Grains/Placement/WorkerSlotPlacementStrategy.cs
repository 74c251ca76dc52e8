namespace OrleansHpo.Grains.Placement;

/// <summary>Place an activation only on a silo that advertises worker slots (see <see cref="WorkerSlotPlacementDirector"/>).</summary>
[GenerateSerializer, Immutable, Alias("hpo.WorkerSlotPlacementStrategy")]
public sealed class WorkerSlotPlacementStrategy : PlacementStrategy
{
    /// <summary>The one instance the attribute hands out.</summary>
    public static WorkerSlotPlacementStrategy Instance { get; } = new();
}
