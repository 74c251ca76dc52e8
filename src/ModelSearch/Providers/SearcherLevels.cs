using OrleansHpo.Core.Scheduling;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.ModelSearch.Providers;

/// <summary>The resource levels whose reports a model-based searcher learns from: the spec's rung levels (none for FIFO).</summary>
internal static class SearcherLevels
{
    public static IReadOnlyList<int> Of(ExperimentSpec spec)
    {
        var s = spec.Scheduler;
        if (s.Type == SchedulerType.Fifo)
        {
            return [];
        }
        return s.RungLevels is { } explicitLevels
            ? RungLevels.FromExplicit(explicitLevels, s.MaxT)
            : RungLevels.Compute(s.GracePeriod, s.ReductionFactor, s.MaxT);
    }
}
