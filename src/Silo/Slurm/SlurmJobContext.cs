using Microsoft.Extensions.Logging;

namespace OrleansHpo.Silo.Slurm;

/// <summary>
/// The SLURM job this silo runs in (null outside SLURM or with <c>--slurm off</c>) and what the silo learned of its
/// end: <see cref="End"/> from SLURM, and whether it stopped because the job's time was up
/// (<see cref="ReachedTimeLimit"/>: the silo exits with <see cref="RequeueExitCode"/> so that the job script asks
/// SLURM to requeue the job; see deploy/slurm/hpo-silo.sbatch).
/// </summary>
public sealed class SlurmJobContext(SlurmJob? job, DrainMarginPolicy policy)
{
    /// <summary>Exit code of a silo that drained for its job's time limit (EX_TEMPFAIL: "try again later").</summary>
    public const int RequeueExitCode = 75;

    /// <summary>The job, or null when the silo does not run under SLURM.</summary>
    public SlurmJob? Job { get; } = job;

    /// <summary>The margin policy.</summary>
    public DrainMarginPolicy Policy { get; } = policy;

    /// <summary>When the job ends, as last read from SLURM; null when unknown or unlimited.</summary>
    public DateTime? End { get; private set; }

    /// <summary>True once the silo drained because its job's time was up.</summary>
    public bool ReachedTimeLimit { get; private set; }

    /// <summary>
    /// Waits until it is time to drain: asks SLURM for the time left, re-asks as the drain nears, and returns the
    /// job's end once the time left is within the margin (given the longest epoch so far). Never returns for an
    /// unlimited job; cancelled by <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<DateTime> WaitForDrainAsync(Func<TimeSpan?> longestEpoch, ILogger logger, CancellationToken cancellationToken)
    {
        var job = Job ?? throw new InvalidOperationException("not a SLURM job");
        var maxPoll = TimeSpan.FromSeconds(30);
        bool announced = false, failed = false;
        SlurmTimeKind? lastKind = null;
        while (true)
        {
            var left = await SlurmCommands.TimeLeftAsync(job.QueryId, cancellationToken);
            var now = DateTime.UtcNow;
            TimeSpan wait;
            if (left is not { } time)
            {
                if (!failed)
                {
                    logger.LogWarning("SLURM job {JobId}: neither squeue nor scontrol answered; asking again in 10 s (SIGTERM still drains)", job.JobId);
                }
                failed = true;
                wait = TimeSpan.FromSeconds(10);
            }
            else if (time.IsOpenEnded)
            {
                End = null;
                if (lastKind != time.Kind)
                {
                    logger.LogInformation("SLURM job {JobId}: time limit {Kind}; asking again every {Poll}", job.JobId, time.Kind, maxPoll);
                }
                wait = maxPoll;
            }
            else
            {
                if (time.Kind == SlurmTimeKind.Malformed)
                {
                    logger.LogWarning("SLURM job {JobId}: could not read the time left; assuming the worst (no time left)", job.JobId);
                }
                var end = now + time.Remaining;
                End = end;
                var margin = Policy.Margin(longestEpoch());
                var untilDrain = time.Remaining - margin;
                if (!announced)
                {
                    logger.LogInformation("SLURM job {JobId} (restart {Restarts}): {Left} left, ends at {End:O}; draining {Margin} before the end",
                        job.JobId, job.RestartCount, time.Remaining, end, margin);
                    announced = true;
                }
                if (untilDrain <= TimeSpan.Zero)
                {
                    ReachedTimeLimit = true;
                    logger.LogInformation("SLURM job {JobId}: {Left} left, within the drain margin {Margin}", job.JobId, time.Remaining, margin);
                    return end;
                }
                wait = DrainMarginPolicy.NextPoll(untilDrain, maxPoll);
            }
            lastKind = left?.Kind;
            await Task.Delay(wait, cancellationToken);
        }
    }

    /// <summary>Deadline for a drain that starts now: the leeway, but never past the job's end (minus safety).</summary>
    public DateTime DrainDeadline(TimeSpan leeway)
    {
        var deadline = DateTime.UtcNow + leeway;
        return End is { } end && Policy.AbortBy(end) < deadline ? Policy.AbortBy(end) : deadline;
    }
}
