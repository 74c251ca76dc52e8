using OrleansHpo.Core.Scheduling;

namespace OrleansHpo.Results;

/// <summary>One report to append to results.csv (what <see cref="ResultsWriter"/> writes; no Orleans type).</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="Epoch">The resource level.</param>
/// <param name="TunerTime">Seconds since the experiment started.</param>
/// <param name="WorkerSeconds">Seconds since the trial's run started on its worker.</param>
/// <param name="Decision">The scheduler's decision after this report.</param>
/// <param name="Metrics">The trainable's metrics.</param>
/// <param name="RetrainedEpochs">Epochs retrained from scratch just before this report; 0 normally.</param>
public sealed record ResultsLine(
    int TrialId,
    int Epoch,
    double TunerTime,
    double WorkerSeconds,
    TrialDecision Decision,
    IReadOnlyDictionary<string, double> Metrics,
    int RetrainedEpochs = 0);
