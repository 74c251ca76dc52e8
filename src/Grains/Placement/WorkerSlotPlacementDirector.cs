using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using OrleansHpo.Grains.Execution;

namespace OrleansHpo.Grains.Placement;

/// <summary>
/// Puts trial activations only on silos that advertise worker slots in their silo metadata
/// (<see cref="WorkerSlotMetadata.SlotsKey"/> &gt; 0): a silo with none (a client-facing or CPU-only silo in a GPU
/// cluster) never trains. Among those, the local silo is taken while it has fewer trial activations than slots (known
/// without a message); otherwise a silo is drawn with probability proportional to its slots. A placement hint
/// (<see cref="IPlacementDirector.PlacementHintKey"/> in the request context) is honoured when it names a silo with
/// slots; <c>hpo check</c> uses it to resume a trial on another silo. A promoted trial reactivates through this
/// director too, so it goes wherever a slot is.
/// <para>The local silo's free slots are exact: trial activations plus the placements this director has decided but
/// whose activations have not started yet (<see cref="TrialActivity.TryReserve"/>; an experiment places n_workers
/// trials at once). Other silos' occupancy is not known without a message, so when the local silo is full the trial
/// goes to another slot-advertising silo, drawn by slots; a silo that receives more trials than it has slots queues
/// them in its worker pool.</para>
/// <para>Learned from the Orleans placement docs (custom IPlacementDirector + PlacementAttribute) and Orleans 9.2's
/// silo metadata (UseSiloMetadata / ISiloMetadataCache); written for this project.</para>
/// </summary>
public sealed class WorkerSlotPlacementDirector(ISiloMetadataCache metadata, WorkerOptions localOptions, TrialActivity localTrials) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var known = new List<(SiloAddress Silo, int Slots)>(compatible.Length);
        var unknown = new List<SiloAddress>();
        foreach (var silo in compatible)
        {
            int? slots = silo.Equals(context.LocalSilo)
                ? localOptions.Slots
                : WorkerSlotMetadata.SlotsOf(metadata.GetSiloMetadata(silo).Metadata);
            if (slots is { } s)
            {
                if (s > 0)
                {
                    known.Add((silo, s));
                }
            }
            else
            {
                unknown.Add(silo);
            }
        }
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, [.. known.Select(k => k.Silo)]) is { } hinted)
        {
            return Task.FromResult(hinted);
        }
        if (known.Count == 0)
        {
            // Metadata of the other silos not fetched yet: better any of them than failing the call.
            return unknown.Count > 0
                ? Task.FromResult(unknown[Random.Shared.Next(unknown.Count)])
                : throw new OrleansException("No silo in the cluster advertises worker slots (Hpo:WorkerSlots > 0): start a silo that can train.");
        }
        if (known.Any(k => k.Silo.Equals(context.LocalSilo)))
        {
            if (localTrials.TryReserve(target.GrainIdentity, localOptions.Slots))
            {
                return Task.FromResult(context.LocalSilo);
            }
            if (known.Count > 1 || unknown.Count > 0)
            {
                known.RemoveAll(k => k.Silo.Equals(context.LocalSilo));
            }
            if (known.Count == 0)
            {
                return Task.FromResult(unknown[Random.Shared.Next(unknown.Count)]);
            }
        }
        int draw = Random.Shared.Next(known.Sum(k => k.Slots));
        foreach (var (silo, slots) in known)
        {
            if (draw < slots)
            {
                return Task.FromResult(silo);
            }
            draw -= slots;
        }
        return Task.FromResult(known[^1].Silo);
    }
}
