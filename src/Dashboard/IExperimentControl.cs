namespace OrleansHpo.Dashboard;

/// <summary>
/// What the dashboard cannot read from an experiment's results folder: the graceful stop and a trial's runtime state
/// (silo, error, checkpoint reference). The hpo client supplies it: from stop-request files and the embedded silo's
/// grain state, or from the grains of a cluster.
/// </summary>
public interface IExperimentControl
{
    /// <summary>Asks the experiment to stop gracefully, as <c>hpo stop</c> does (running trials stop, status recorded).</summary>
    Task StopAsync(string experimentDirectory, string name, string reason, CancellationToken cancellationToken);

    /// <summary>The trial's runtime state, or null when it is not available (no state recorded, or unreachable).</summary>
    Task<TrialRuntime?> GetTrialAsync(string experimentDirectory, string name, int trialId, CancellationToken cancellationToken);
}
