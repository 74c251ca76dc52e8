using System.Diagnostics.Metrics;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// OrleansHpo's instruments (System.Diagnostics.Metrics, meter "OrleansHpo"): exported by OpenTelemetry on
/// silos, read by a MeterListener in the benchmarks.
/// </summary>
public static class HpoMetrics
{
    public const string MeterName = "OrleansHpo";

    private static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Reports recorded by trial grains.</summary>
    public static readonly Counter<long> Reports = Meter.CreateCounter<long>("hpo.reports", description: "Epoch reports recorded");

    /// <summary>Promotions (paused trials resumed by a rung).</summary>
    public static readonly Counter<long> Promotions = Meter.CreateCounter<long>("hpo.promotions", description: "Paused trials promoted");

    /// <summary>Time from sending reports at a rung level to having the scheduler's decision, as the worker sees it.</summary>
    public static readonly Histogram<double> DecisionLatency = Meter.CreateHistogram<double>("hpo.decision.latency", "ms", "Report at a rung level to decision");

    /// <summary>Time from a promotion (resume message handled) to the first epoch of the resumed run starting.</summary>
    public static readonly Histogram<double> ResumeLatency = Meter.CreateHistogram<double>("hpo.resume.latency", "ms", "Promotion to training again");

    public static readonly Counter<long> CheckpointBytesWritten = Meter.CreateCounter<long>("hpo.checkpoint.bytes_written", "By");

    public static readonly Counter<long> CheckpointBytesRead = Meter.CreateCounter<long>("hpo.checkpoint.bytes_read", "By");

    /// <summary>Resumed runs that found their checkpoint missing or corrupt and retrained from scratch.</summary>
    public static readonly Counter<long> RetrainedFromScratch = Meter.CreateCounter<long>("hpo.retrained_from_scratch", description: "Runs retrained from scratch");

    /// <summary>Trial state transitions, tagged with the new status.</summary>
    public static readonly Counter<long> TrialTransitions = Meter.CreateCounter<long>("hpo.trial.transitions", description: "Trial status changes");
}
