using OrleansHpo.Client.Progress;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Client;

/// <summary>
/// Follows an experiment that runs on a cluster. Silos may die and restart meanwhile: a failed status call is
/// retried (the experiment grain reactivates on a live silo) until the cluster has been unreachable for
/// HPO_CLUSTER_WAIT_SECONDS (default 600). Ctrl+C detaches: the experiment goes on on the cluster.
/// </summary>
public static class ClusterFollower
{
    /// <summary>The final status, or null when the client detached or gave up (the reason was said).</summary>
    public static async Task<ExperimentStatus?> Follow(IExperimentGrain experiment, IProgressView view, CancellationToken cancellationToken)
    {
        var patience = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("HPO_CLUSTER_WAIT_SECONDS"), out var s) ? s : 600);
        DateTime? unreachableSince = null;
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                view.Message("detached: the experiment goes on on the cluster; follow it with `hpo status NAME --cluster ...`");
                return null;
            }
            try
            {
                var status = await experiment.GetStatus().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                if (unreachableSince is not null)
                {
                    view.Message($"cluster reachable again after {(DateTime.UtcNow - unreachableSince.Value).TotalSeconds:F1}s");
                    unreachableSince = null;
                }
                if (status.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed)
                {
                    return status;
                }
                view.Update(status);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                continue;
            }
            catch (Exception e)
            {
                if (unreachableSince is null)
                {
                    unreachableSince = DateTime.UtcNow;
                    view.Message($"experiment unreachable ({e.GetType().Name}); waiting for the cluster to recover");
                }
                else if (DateTime.UtcNow - unreachableSince.Value > patience)
                {
                    view.Message($"error: the cluster has been unreachable for {patience.TotalSeconds:F0}s; the experiment's state is kept in the store and it continues when silos are back");
                    return null;
                }
            }
            try
            {
                await Task.Delay(250, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
