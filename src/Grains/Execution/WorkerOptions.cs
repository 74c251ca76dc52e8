namespace OrleansHpo.Grains.Execution;

/// <summary>How a silo trains: worker slots, device and threads per trial.</summary>
public sealed class WorkerOptions
{
    /// <summary>Concurrent trials this silo trains (GPUs x trials per GPU, or CPU slots).</summary>
    public int Slots { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Training device handed to trainables ("cpu", "cuda", "cuda:1").</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Intra-op threads per trial; 0 = cores / slots (at least 1).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Reports are sent to the trial grain at decision epochs and checkpoint epochs, or after this long at the latest.</summary>
    public TimeSpan ReportFlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a cancelled run may take to stop before it is abandoned (slot freed, trial failed, thread left behind).</summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Graceful shutdown / time limit switch shared by this silo's runs.</summary>
    public TrainingDrain Drain { get; } = new();

    /// <summary>Whether the silo reaches the cluster store; runs stop while it does not (cluster silos only).</summary>
    public StoreContact Store { get; } = new();

    public int EffectiveIntraOpThreads => IntraOpThreads > 0 ? IntraOpThreads : Math.Max(1, Environment.ProcessorCount / Math.Max(1, Slots));
}
