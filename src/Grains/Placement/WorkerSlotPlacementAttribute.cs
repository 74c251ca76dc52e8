using Orleans.Placement;

namespace OrleansHpo.Grains.Placement;

/// <summary>Marks a grain class (the trial grain) to be placed by <see cref="WorkerSlotPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class WorkerSlotPlacementAttribute : PlacementAttribute
{
    public WorkerSlotPlacementAttribute()
        : base(WorkerSlotPlacementStrategy.Instance)
    {
    }
}
