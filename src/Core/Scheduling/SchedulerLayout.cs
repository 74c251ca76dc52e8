using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// The rung layout an experiment's scheduler implies: which brackets exist, the rung configs of each, where a new
/// trial goes and what it trains up to. Derived from the spec with the pure classes of OrleansHpo.Core.Scheduling;
/// deterministic, so it is rebuilt on every activation instead of being stored.
/// </summary>
public sealed class SchedulerLayout
{
    private readonly ExperimentSpec _spec;
    private readonly IReadOnlyList<int> _levels;
    private readonly HyperbandBracketSampler? _sampler;
    private readonly SynchronousHyperbandPlan? _syncPlan;
    private readonly Dictionary<int, RungConfig[]> _asyncRungs = [];

    public SchedulerLayout(ExperimentSpec spec)
    {
        _spec = spec;
        var scheduler = spec.Scheduler;
        MaxT = scheduler.MaxT;
        _levels = scheduler.Type == SchedulerType.Fifo
            ? []
            : scheduler.RungLevels is { } explicitLevels
                ? RungLevels.FromExplicit(explicitLevels, MaxT)
                : RungLevels.Compute(scheduler.GracePeriod, scheduler.ReductionFactor, MaxT);
        switch (scheduler.Type)
        {
            case SchedulerType.Fifo:
                Kind = RungKind.Stopping;
                NumBrackets = 1;
                break;
            case SchedulerType.Asha:
            case SchedulerType.Hyperband:
                Kind = scheduler.Variant == SchedulerVariant.Promotion ? RungKind.Promotion : RungKind.Stopping;
                _sampler = new HyperbandBracketSampler(_levels, MaxT, scheduler.Type == SchedulerType.Asha ? 1 : scheduler.Brackets);
                NumBrackets = _sampler.NumBrackets;
                SharedRungs = !scheduler.RungSystemPerBracket;
                break;
            case SchedulerType.SyncSh:
            case SchedulerType.SyncHyperband:
                Kind = RungKind.Synchronous;
                _syncPlan = new SynchronousHyperbandPlan(scheduler.GracePeriod, scheduler.ReductionFactor, MaxT,
                    scheduler.Type == SchedulerType.SyncSh ? 1 : scheduler.Brackets);
                NumBrackets = _syncPlan.NumBrackets;
                break;
        }
    }

    public RungKind Kind { get; }

    public bool IsSynchronous => Kind == RungKind.Synchronous;

    public int NumBrackets { get; }

    /// <summary>
    /// Asynchronous Hyperband with one rung system for all brackets (Syne Tune's <c>rung_system_per_bracket = false</c>,
    /// its default, hyperband.py): every config competes with every other at a level, and a config's bracket only sets
    /// its first milestone. False: each bracket has its own rungs.
    /// </summary>
    public bool SharedRungs { get; }

    public int MaxT { get; }

    /// <summary>Seed of a trial's own RNGs, from the experiment seed and trial id.</summary>
    public static int TrialSeed(int seed, int trialId) => (int)(SplitMix64.Mix((ulong)(uint)seed << 32 | (uint)trialId) & 0x7FFFFFFF);

    /// <summary>Bracket of a new trial: 0 for ASHA, else sampled (deterministically per trial id) as Syne Tune's Hyperband does.</summary>
    public int BracketForTrial(int trialId)
    {
        if (_sampler is null || _sampler.NumBrackets <= 1)
        {
            return 0;
        }
        double u = SplitMix64.ToUnit(SplitMix64.Mix(((ulong)(uint)_spec.Searcher.Seed << 32 | (uint)trialId) ^ 0xB5AD4ECEDA1CE2A9UL));
        return _sampler.Sample(u);
    }

    /// <summary>Rungs of an asynchronous bracket (bracket s skips the first s rung levels).</summary>
    public RungConfig[] AsyncRungs(int bracket)
    {
        if (_asyncRungs.TryGetValue(bracket, out var rungs))
        {
            return rungs;
        }
        IReadOnlyList<int> levels = _sampler?.RungLevelsOf(bracket) ?? _levels;
        rungs = new RungConfig[levels.Count];
        for (int i = 0; i < levels.Count; i++)
        {
            // Shared rungs: bracket s's rung at a level is the one rung of that level (rung system 0).
            rungs[i] = new RungConfig(_spec.Name, SharedRungs ? 0 : bracket, levels[i], RungLevels.NextMilestone(levels, levels[i], MaxT), Kind, _spec.Mode,
                RungLevels.Quantile(levels, i, MaxT), 0, 0);
        }
        _asyncRungs[bracket] = rungs;
        return rungs;
    }

    /// <summary>Rungs of a synchronous bracket instance, without the final max_t level (reaching it completes a trial).</summary>
    public RungConfig[] SyncRungs(int instance, int bracketIndex)
    {
        var plan = _syncPlan!.Bracket(bracketIndex);
        var rungs = new RungConfig[plan.Count - 1];
        for (int k = 0; k < plan.Count - 1; k++)
        {
            rungs[k] = new RungConfig(_spec.Name, instance, plan[k].Level, plan[k + 1].Level, RungKind.Synchronous, _spec.Mode,
                0, plan[k].Size, plan[k + 1].Size);
        }
        return rungs;
    }

    public int SyncBracketIndexOfInstance(int instance) => _syncPlan!.BracketIndexOfInstance(instance);

    /// <summary>How many new trials a synchronous bracket starts (the size of its first rung).</summary>
    public int FirstRungSize(int bracketIndex) => _syncPlan!.Bracket(bracketIndex)[0].Size;

    /// <summary>Epoch a new trial trains up to: its first rung when it pauses there, else max_t.</summary>
    public int FirstMilestone(IReadOnlyList<RungConfig> rungs) =>
        Kind != RungKind.Stopping && rungs.Count > 0 ? rungs[0].Level : MaxT;

    /// <summary>The rung configs of a trial's bracket (an instance id for synchronous schedulers).</summary>
    public RungConfig[] RungsOfBracket(int bracket) =>
        IsSynchronous ? SyncRungs(bracket, SyncBracketIndexOfInstance(bracket)) : AsyncRungs(bracket);

    /// <summary>The synchronous rung a trial heading to <paramref name="milestone"/> would have landed in.</summary>
    public RungConfig? RungBoundFor(int instance, int milestone) =>
        SyncRungs(instance, SyncBracketIndexOfInstance(instance)).FirstOrDefault(r => r.Level == milestone);
}
