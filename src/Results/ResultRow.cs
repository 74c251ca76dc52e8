namespace OrleansHpo.Results;

/// <summary>One line of <c>results.csv</c>: one epoch of one trial.</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="TunerTime">Seconds since the experiment started (st_tuner_time; simulated seconds for a simulated run).</param>
/// <param name="WorkerTime">Seconds since the trial's run started on its worker (st_worker_time).</param>
/// <param name="Decision">The scheduler's decision after this epoch: CONTINUE, PAUSE or STOP.</param>
/// <param name="Epoch">The resource level (the resource_attr column, usually the epoch).</param>
/// <param name="Metrics">Every metric column of the row (empty cells are left out).</param>
/// <param name="Config">Hyperparameters, by name without the <c>config_</c> prefix, as written in the file.</param>
public sealed record ResultRow(
    int TrialId,
    double TunerTime,
    double WorkerTime,
    string Decision,
    int Epoch,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Config);
