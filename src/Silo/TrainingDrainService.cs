using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Silo.Slurm;

namespace OrleansHpo.Silo;

/// <summary>
/// Graceful shutdown and time limit of a cluster silo (a SLURM-like job limit; docs/cluster.md). On SIGTERM, or
/// <see cref="HpoClusterOptions.TimeLimitLeeway"/> before <see cref="HpoClusterOptions.TimeLimit"/>, training drains:
/// every run checkpoints its last finished epoch, its trial grain persists it, and the run ends with the trial still
/// Running; the experiment re-drives it on another silo (or here after a restart). Runs still mid-epoch when the
/// leeway is over are cancelled and resume from their previous checkpoint. Only then does Orleans stop the silo.
/// In a SLURM job (<see cref="SlurmJobContext"/>) the limit is the job's, read from SLURM, and the drain starts a
/// margin before it that grows with the longest epoch (docs/slurm.md).
/// </summary>
public sealed class TrainingDrainService(
    WorkerOptions workers,
    WorkerPool pool,
    IHostApplicationLifetime lifetime,
    HpoClusterOptions options,
    SlurmJobContext slurm,
    ILogger<TrainingDrainService> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenRegistration _registration;
    private readonly List<PosixSignalRegistration> _signals = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // SIGTERM / SIGINT stop the host gracefully (never the runtime's default: exit at once).
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                lifetime.StopApplication();
            }));
        }
        // ApplicationStopping fires before Orleans starts deactivating grains, so trials can still persist.
        _registration = lifetime.ApplicationStopping.Register(() => Drain("shutdown", slurm.DrainDeadline(options.TimeLimitLeeway)));
        if (options.TimeLimit is { } limit)
        {
            var end = DateTime.UtcNow + limit;
            var drainAt = limit - options.TimeLimitLeeway;
            logger.LogInformation("Time limit {Limit}: draining at {DrainAt} from now, stopping by {End:O}", limit, drainAt, end);
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(drainAt > TimeSpan.Zero ? drainAt : TimeSpan.Zero, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                Drain("time limit", end);
                lifetime.StopApplication();
            });
        }
        else if (slurm.Job is { } job)
        {
            _ = Task.Run(async () =>
            {
                DateTime end;
                try
                {
                    end = await slurm.WaitForDrainAsync(() => workers.Drain.LongestEpoch, logger, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                Drain($"SLURM job {job.JobId} time limit", slurm.Policy.AbortBy(end));
                lifetime.StopApplication();
            });
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        _registration.Dispose();
        _signals.ForEach(s => s.Dispose());
        return Task.CompletedTask;
    }

    private readonly Lock _gate = new();
    private bool _drained;

    private void Drain(string why, DateTime deadline)
    {
        lock (_gate)
        {
            if (_drained)
            {
                return;
            }
            _drained = true;
        }
        logger.LogInformation("Draining ({Why}): {Busy} runs training, {Queued} waiting; each checkpoints at its next epoch boundary", why, pool.Busy, pool.Queued);
        workers.Drain.Begin();
        if (!WaitIdle(deadline))
        {
            logger.LogWarning("Drain leeway over with {Busy} runs still in an epoch; cancelling them (they resume from their last checkpoint)", pool.Busy);
            workers.Drain.Abort();
            WaitIdle(DateTime.UtcNow + TimeSpan.FromSeconds(10));
        }
        logger.LogInformation("Drained: no run trains on this silo");
    }

    private bool WaitIdle(DateTime deadline)
    {
        while (DateTime.UtcNow < deadline)
        {
            if (pool.Busy == 0 && pool.Queued == 0)
            {
                return true;
            }
            Thread.Sleep(50);
        }
        return pool.Busy == 0 && pool.Queued == 0;
    }
}
