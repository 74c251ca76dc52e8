using Microsoft.Extensions.Configuration;

namespace OrleansHpo.Silo.Slurm;

/// <summary>Silo settings a SLURM job implies, unless set explicitly: worker slots and device from its allocation.</summary>
public static class SlurmSettings
{
    /// <summary>
    /// One worker slot per GPU SLURM assigned (device "cuda"), else one per CPU of the task
    /// (<c>--cpus-per-task</c>); a <c>--slots</c> or <c>--device</c> given explicitly wins.
    /// </summary>
    public static void Apply(HpoClusterOptions options, IConfiguration configuration, SlurmJob? job)
    {
        if (job is null)
        {
            return;
        }
        if (configuration["Cluster:WorkerSlots"] is null && job.WorkerSlots is { } slots)
        {
            options.WorkerSlots = slots;
        }
        if (configuration["Cluster:Device"] is null && job.Gpus > 0)
        {
            options.Device = "cuda";
        }
    }
}
