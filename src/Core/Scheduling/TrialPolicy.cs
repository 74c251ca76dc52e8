namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// A trial's decision after each epoch, one copy for the trial grain and the simulator: stop at max_t; at a rung
/// level, what the rung says; pause at the milestone (the run ends by itself there, Syne Tune's max_resource_attr).
/// </summary>
public static class TrialPolicy
{
    /// <summary>The rung to ask after epoch <paramref name="epoch"/>: the one at that level, none at or past max_t.</summary>
    public static RungConfig? RungAt(IReadOnlyList<RungConfig> rungs, int epoch, int maxT)
    {
        if (epoch >= maxT)
        {
            return null;
        }
        for (int i = 0; i < rungs.Count; i++)
        {
            if (rungs[i].Level == epoch)
            {
                return rungs[i];
            }
        }
        return null;
    }

    /// <summary>
    /// The decision after <paramref name="epoch"/> of a run heading to <paramref name="milestone"/>, given the rung's
    /// answer (null when no rung was asked).
    /// </summary>
    public static TrialDecision Decide(int epoch, int maxT, int milestone, TrialDecision? rungDecision)
    {
        if (epoch >= maxT)
        {
            return TrialDecision.Stop;
        }
        var d = rungDecision ?? TrialDecision.Continue;
        if (d == TrialDecision.Pause && epoch < milestone)
        {
            d = TrialDecision.Continue; // recomputed after a crash: the rung already promoted this trial past here
        }
        if (d == TrialDecision.Continue && epoch >= milestone)
        {
            d = TrialDecision.Pause;
        }
        return d;
    }

    /// <summary>How a run that ended with <paramref name="decision"/> after <paramref name="lastEpoch"/> leaves its slot; null while it continues.</summary>
    public static TrialStatus? Outcome(TrialDecision decision, int lastEpoch, int maxT) => decision switch
    {
        TrialDecision.Pause => TrialStatus.Paused,
        TrialDecision.Stop => lastEpoch >= maxT ? TrialStatus.Completed : TrialStatus.Stopped,
        _ => null,
    };

    /// <summary>
    /// Epochs after which a run heading to <paramref name="milestone"/> can pause or must decide (its rung levels, its
    /// milestone, max_t): the reports up to there reach the experiment before the run goes on.
    /// </summary>
    public static HashSet<int> DecisionEpochs(IReadOnlyList<RungConfig> rungs, int milestone, int maxT) =>
        [.. rungs.Select(r => r.Level), milestone, maxT];

    /// <summary>
    /// Epochs after which a run writes a checkpoint (selective checkpointing): where it can pause (rung levels below
    /// max_t, its milestone), and max_t when <paramref name="keepFinal"/> (keep_best keeps the best final checkpoints).
    /// </summary>
    public static HashSet<int> CheckpointEpochs(IReadOnlyList<RungConfig> rungs, int milestone, int maxT, bool keepFinal)
    {
        HashSet<int> epochs = [.. rungs.Select(r => r.Level).Where(l => l < maxT)];
        if (milestone < maxT)
        {
            epochs.Add(milestone);
        }
        else if (keepFinal)
        {
            epochs.Add(maxT);
        }
        return epochs;
    }
}
