namespace OrleansHpo.Results;

/// <summary>One trial as the results show it: how far it got, how it ended, its best and last metric values.</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="Status">running, paused, stopped or completed (from its last report and the experiment's status).</param>
/// <param name="LastEpoch">Last resource level reported.</param>
/// <param name="LastValue">Metric at the last report.</param>
/// <param name="BestValue">Best metric over its reports.</param>
/// <param name="BestEpoch">Epoch of <paramref name="BestValue"/>.</param>
/// <param name="FirstTime">Tuner time of its first report (s).</param>
/// <param name="LastTime">Tuner time of its last report (s).</param>
/// <param name="Config">Its hyperparameters.</param>
public sealed record TrialSummary(
    int TrialId,
    string Status,
    int LastEpoch,
    double LastValue,
    double BestValue,
    int BestEpoch,
    double FirstTime,
    double LastTime,
    IReadOnlyDictionary<string, string> Config);
