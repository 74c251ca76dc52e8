namespace OrleansHpo.Silo;

/// <summary>
/// A cluster silo's settings, bound from the "Cluster" section of appsettings.json, HPO_Cluster__* environment
/// variables and the command line (see <see cref="ClusterSiloHost.Switches"/>), later sources winning.
/// </summary>
public sealed class HpoClusterOptions
{
    /// <summary>Orleans cluster id: silos and clients with the same one form a cluster.</summary>
    public string ClusterId { get; set; } = "orleans-hpo";

    /// <summary>Orleans service id: names the grain state and reminders in the store; keep it across restarts.</summary>
    public string ServiceId { get; set; } = "orleans-hpo";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address other silos and clients reach this silo at; the silo listens on it too. Loopback by default.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The store behind clustering, grain state, reminders (and on Azure checkpoints): <c>redis://HOST:PORT</c> or
    /// <c>azure:CONNECTION-STRING</c> / <c>azure:ENV-VARIABLE</c> (<see cref="ClusterBackend"/>). Null: <see cref="Redis"/>.
    /// </summary>
    public string? Backend { get; set; }

    /// <summary>Redis connection when <see cref="Backend"/> is not set: <c>redis://[:PASSWORD@]HOST:PORT</c> or a StackExchange.Redis string (<c>HOST:PORT,password=...</c>).</summary>
    public string Redis { get; set; } = "redis://127.0.0.1:6379";

    /// <summary>A name for logs (default: host and silo port).</summary>
    public string? Name { get; set; }

    /// <summary>Trials this silo trains at once.</summary>
    public int WorkerSlots { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Training device ("cpu", "cuda", "cuda:N", "auto").</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Intra-op threads per trial; 0 = cores / slots.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Seconds a cancelled run may take to stop before it is abandoned (docs/architecture.md, "Failures").</summary>
    public double CancelGraceSeconds { get; set; } = 30;

    /// <summary>Extra trainable class libraries (.dll), comma separated on the command line.</summary>
    public string? Trainables { get; set; }

    /// <summary>Stop by itself after this long (a batch job's time limit), draining first; null = no limit.</summary>
    public TimeSpan? TimeLimit { get; set; }

    /// <summary>Drain this long before the time limit, and at most this long on SIGTERM, before cancelling epochs.</summary>
    public TimeSpan TimeLimitLeeway { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>"auto": when SLURM_JOB_ID is set, drain before the job's time limit read from SLURM and take worker
    /// slots from the job's GPUs or CPUs; "off": ignore SLURM. See docs/slurm.md.</summary>
    public string Slurm { get; set; } = "auto";

    /// <summary>In a SLURM job, drain at least this long before the job's end (more when epochs are longer).</summary>
    public TimeSpan SlurmMinMargin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Orleans Dashboard on 127.0.0.1:<see cref="DashboardPort"/>.</summary>
    public bool Dashboard { get; set; }

    /// <summary>Dashboard HTTP port.</summary>
    public int DashboardPort { get; set; } = 8080;

    /// <summary>OpenTelemetry metrics exporter: "none" or "console".</summary>
    public string Metrics { get; set; } = "none";

    /// <summary>How often metrics are exported.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Short membership probe timeouts for a cluster on one machine or a LAN (declares a killed silo dead
    /// in a few seconds instead of tens). See docs/cluster.md.</summary>
    public bool FastFailureDetection { get; set; }

    /// <summary>How long a running trial may be silent before its experiment checks it has a live run.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Period of each running experiment's reminder (wakes it after a whole-cluster restart).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Minimum log level of OrleansHpo's own logs (Orleans' are one level quieter).</summary>
    public string LogLevel { get; set; } = "Information";
}
