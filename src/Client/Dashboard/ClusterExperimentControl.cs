using OrleansHpo.Dashboard;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Client.Dashboard;

/// <summary>
/// The dashboard's actions and trial details on a cluster: the stop is the experiment grain's RequestStop, a trial's
/// runtime state (with the silo its activation runs on) is its grain's snapshot. The reports themselves are read from
/// the experiment folder the cluster writes (the shared --results-dir).
/// </summary>
public sealed class ClusterExperimentControl(GrainHost host) : IExperimentControl
{
    public async Task StopAsync(string experimentDirectory, string name, string reason, CancellationToken cancellationToken) =>
        await host.GrainFactory.GetGrain<IExperimentGrain>(name).RequestStop(reason).WaitAsync(cancellationToken);

    public async Task<TrialRuntime?> GetTrialAsync(string experimentDirectory, string name, int trialId, CancellationToken cancellationToken)
    {
        var s = await host.GrainFactory.GetGrain<ITrialGrain>(TrialKeys.Of(name, trialId)).GetSnapshot().WaitAsync(cancellationToken);
        if (s.TrialId < 0)
        {
            return null; // no such trial: the grain has no plan
        }
        return new TrialRuntime(
            s.Status.ToString().ToLowerInvariant(), s.Error, StopReason: null, s.Silo, s.Activations, s.PausedAt,
            s.RetrainedEpochs, s.RetrainedFromScratch,
            s.Checkpoint is { } c ? new CheckpointInfo(c.Uri, c.Epoch, c.Bytes, c.Sha256) : null,
            "cluster grain (silo of its current activation)");
    }
}
