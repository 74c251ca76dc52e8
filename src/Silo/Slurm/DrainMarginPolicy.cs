namespace OrleansHpo.Silo.Slurm;

/// <summary>
/// When a silo in a job with a time limit drains (docs/slurm.md, "What happens at a time limit"). The drain must let
/// every run finish the epoch it is in and write its checkpoint before SLURM kills the job, so the margin before the
/// job's end is <see cref="EpochFactor"/> times the longest epoch (checkpoint included) seen on this silo, and at
/// least <see cref="MinMargin"/> (60 s, the leeway of the ALICE/SHARK checkpointing guide). Runs still in an epoch at
/// <see cref="KillSafety"/> before the end are cancelled; they resume from their previous checkpoint.
/// </summary>
public sealed record DrainMarginPolicy(TimeSpan MinMargin, double EpochFactor, TimeSpan KillSafety)
{
    /// <summary>60 s minimum, twice the longest epoch, cancel 5 s before the end.</summary>
    public static DrainMarginPolicy Default { get; } = new(TimeSpan.FromSeconds(60), 2.0, TimeSpan.FromSeconds(5));

    /// <summary>How long before the end draining starts, given the longest epoch seen so far (null: none yet).</summary>
    public TimeSpan Margin(TimeSpan? longestEpoch)
    {
        var fromEpochs = longestEpoch is { } epoch ? TimeSpan.FromTicks((long)Math.Min(epoch.Ticks * EpochFactor, TimeSpan.MaxValue.Ticks / 2.0)) : TimeSpan.Zero;
        return fromEpochs > MinMargin ? fromEpochs : MinMargin;
    }

    /// <summary>Time left before draining begins (zero or negative: drain now).</summary>
    public TimeSpan UntilDrain(TimeSpan remaining, TimeSpan? longestEpoch) => remaining - Margin(longestEpoch);

    /// <summary>
    /// How long to wait before asking SLURM again: half the time until the drain (the limit can be changed with
    /// <c>scontrol update TimeLimit=</c>, and epochs may grow), between 1 s and <paramref name="maxPoll"/>.
    /// </summary>
    public static TimeSpan NextPoll(TimeSpan untilDrain, TimeSpan maxPoll)
    {
        var half = untilDrain / 2;
        if (half < TimeSpan.FromSeconds(1))
        {
            return TimeSpan.FromSeconds(1);
        }
        return half > maxPoll ? maxPoll : half;
    }

    /// <summary>Deadline for runs to reach their epoch boundary when draining for a job that ends at <paramref name="end"/>.</summary>
    public DateTime AbortBy(DateTime end) => end - KillSafety;
}
