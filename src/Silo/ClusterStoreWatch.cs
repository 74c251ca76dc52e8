using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansHpo.Grains.Execution;

namespace OrleansHpo.Silo;

/// <summary>
/// A cluster silo's watch on the cluster store (docs/cluster.md, "A silo cut off from the store"). Orleans declares a
/// silo dead when its peers cannot reach it, not when it cannot reach the store: a silo cut off from Redis or Azure
/// Storage alone keeps its grains, and every trial that needs one of them (a rung, the experiment) waits for it. Every
/// few seconds this service reads the membership table, and:
/// <list type="bullet">
/// <item>when this silo has not reached the store for <see cref="LostAfter"/>, it stops the runs training here
/// (<see cref="StoreContact"/>): they end without a verdict and resume from their checkpoints, so that nothing trains
/// twice once the trial activates elsewhere. When the store answers again they may train again (a whole-store outage
/// stops and restarts training on every silo, and nobody is declared dead).</item>
/// <item>when this silo has reached the store for <see cref="EvictAfter"/> without a break, and an active peer has
/// not written its liveness row for as long, the peer is declared dead in the membership table (a version-checked
/// write): the cluster then activates that peer's grains elsewhere, and the peer stops itself as soon as it reads the
/// table again (Orleans' own rule for a silo that finds itself dead).</item>
/// </list>
/// The thresholds follow <see cref="ClusterMembershipOptions.IAmAliveTablePublishTimeout"/> (the liveness write
/// period P): lost after P + 2 s, evicted after 2P + 10 s, so a cut silo's runs have ended before its peers take its
/// trials over. A peer's liveness time is its own clock: clocks must agree to within a few seconds (NTP).
/// </summary>
public sealed class ClusterStoreWatch(
    IMembershipTable table,
    ILocalSiloDetails local,
    IOptions<ClusterMembershipOptions> membership,
    WorkerOptions workers,
    IHostApplicationLifetime lifetime,
    ILogger<ClusterStoreWatch> logger) : BackgroundService
{
    private TimeSpan Publish => membership.Value.IAmAliveTablePublishTimeout;

    /// <summary>No answer from the store for this long: the silo's runs stop.</summary>
    public TimeSpan LostAfter => Publish + TimeSpan.FromSeconds(2);

    /// <summary>A peer silent in the store for this long, while this silo reaches it: the peer is declared dead.</summary>
    public TimeSpan EvictAfter => 2 * Publish + TimeSpan.FromSeconds(10);

    private TimeSpan Period => TimeSpan.FromSeconds(Math.Clamp(Publish.TotalSeconds / 3, 1, 5));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        var lastReached = DateTime.UtcNow;
        DateTime? reachedSince = lastReached;
        while (!stoppingToken.IsCancellationRequested)
        {
            MembershipTableData? data = null;
            try
            {
                data = await table.ReadAllAsync(stoppingToken).WaitAsync(TimeSpan.FromSeconds(Math.Max(3, Period.TotalSeconds)), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogDebug("Cluster store read failed: {Error}", e.Message);
            }
            var now = DateTime.UtcNow;
            if (data is null)
            {
                reachedSince = null;
                if (now - lastReached >= LostAfter && !workers.Store.IsLost)
                {
                    logger.LogWarning("Cluster store unreachable for {Seconds:0} s: stopping the runs training on this silo; they resume from their checkpoints (here when the store answers again, or on another silo)", (now - lastReached).TotalSeconds);
                    workers.Store.MarkLost();
                }
            }
            else
            {
                lastReached = now;
                reachedSince ??= now;
                if (workers.Store.IsLost)
                {
                    logger.LogInformation("Cluster store reachable again: this silo trains again");
                    workers.Store.MarkReached();
                }
                if (now - reachedSince.Value >= EvictAfter)
                {
                    await EvictSilentPeer(data, now);
                }
            }
            try
            {
                await Task.Delay(Period, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task EvictSilentPeer(MembershipTableData data, DateTime now)
    {
        foreach (var (entry, etag) in data.Members)
        {
            if (entry.Status != SiloStatus.Active || entry.SiloAddress.Equals(local.SiloAddress))
            {
                continue;
            }
            var last = entry.IAmAliveTime == default ? entry.StartTime : entry.IAmAliveTime;
            var silent = now - last.ToUniversalTime();
            if (silent < EvictAfter)
            {
                continue;
            }
            entry.Status = SiloStatus.Dead;
            bool written;
            try
            {
                written = await table.UpdateRowAsync(entry, etag, data.Version.Next(), CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogDebug("Declaring {Silo} dead failed: {Error}", entry.SiloAddress, e.Message);
                return;
            }
            if (written)
            {
                logger.LogWarning("Silo {Silo} has not written to the cluster store for {Seconds:0} s while this silo can: declared dead, so that its grains activate on the other silos (it stops itself when it reads the store again)",
                    entry.SiloAddress, silent.TotalSeconds);
            }
            return; // the table's version moved on: one change per read
        }
    }
}
