namespace OrleansHpo.Grains.Execution;

/// <summary>
/// Gives a cancelled run a grace period (<see cref="WorkerOptions.CancelGrace"/>) to stop. A run whose epoch code
/// ignores its cancellation token (a Thread.Sleep, a blocking read) would otherwise hold its worker slot, its trial
/// and the experiment's end forever: past the grace period the grain abandons it (docs/architecture.md, "Failures").
/// The check runs as a grain timer, so it is a turn of the trial's activation like any other.
/// </summary>
internal static class RunawayWatch
{
    public static void Arm(Grain grain, TrialRun run, TimeSpan grace, Func<TrialRun, Task> abandon)
    {
        if (run.Exited.IsCompleted)
        {
            return;
        }
        IGrainTimer? timer = null;
        timer = grain.RegisterGrainTimer(async _ =>
        {
            timer?.Dispose();
            if (!run.Exited.IsCompleted && !run.Abandoned)
            {
                await abandon(run);
            }
        }, new GrainTimerCreationOptions { DueTime = grace, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
    }
}
