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

    /// <summary>Checkpoints of paused trials removed by the checkpoint budget.</summary>
    public static readonly Counter<long> CheckpointsRemoved = Meter.CreateCounter<long>("hpo.checkpoint.removed", description: "Checkpoints removed by the budget");
    /// <summary>Resumed runs that found their checkpoint missing or corrupt and retrained from scratch.</summary>
    public static readonly Counter<long> RetrainedFromScratch = Meter.CreateCounter<long>("hpo.retrained_from_scratch", description: "Runs retrained from scratch");

    /// <summary>Trial state transitions, tagged with the new status.</summary>
    public static readonly Counter<long> TrialTransitions = Meter.CreateCounter<long>("hpo.trial.transitions", description: "Trial status changes");

    /// <summary>Runs training on this silo's worker threads right now (up and down as runs start and end).</summary>
    public static readonly UpDownCounter<long> TrialsRunning = Meter.CreateUpDownCounter<long>("hpo.trials.running", description: "Trial runs training on worker threads");

    /// <summary>Runs ended early by a graceful shutdown or time limit, after checkpointing their last finished epoch.</summary>
    public static readonly Counter<long> TrialsDrained = Meter.CreateCounter<long>("hpo.trials.drained", description: "Runs checkpointed and ended by a drain");

    /// <summary>Running trials an experiment found without a live run and started again (silo lost, restart).</summary>
    public static readonly Counter<long> TrialsRecovered = Meter.CreateCounter<long>("hpo.trials.recovered", description: "Trials re-driven by the experiment's reconcile loop");

    /// <summary>Threads of runs abandoned because they ignored cancellation past the grace period, still running user code.</summary>
    public static readonly UpDownCounter<long> AbandonedThreads = Meter.CreateUpDownCounter<long>("hpo.trials.abandoned_threads", description: "Abandoned runs' threads still in user code");

    /// <summary>Lasting storage faults (disk full, read-only, permission) that halted an experiment.</summary>
    /// <summary>Bytes of each grain state write by the file storage, tagged with the state ("trial", "experiment", "rung").</summary>
    public static readonly Histogram<long> StateWriteBytes = Meter.CreateHistogram<long>("hpo.state.write_bytes", "By", "Bytes written per grain state write (file storage)");
    public static readonly Counter<long> StorageHalts = Meter.CreateCounter<long>("hpo.experiment.storage_halts", description: "Experiments halted by a lasting storage fault");
}
