using System.Collections;
using System.Globalization;

namespace OrleansHpo.Silo.Slurm;

/// <summary>
/// The SLURM job a silo runs in, read from the variables SLURM sets in a batch job's environment (sbatch(1), "OUTPUT
/// ENVIRONMENT VARIABLES"): its id, name, how often it was requeued, and the GPUs and CPUs it was given.
/// </summary>
public sealed record SlurmJob(string JobId, string? Name, int RestartCount, int Gpus, int? CpusPerTask, string? ArrayTask = null)
{
    /// <summary>
    /// The id to ask squeue/scontrol about: <c>ARRAYJOB_TASK</c> for a task of a job array (the bare id of its
    /// first task names the whole array to squeue and scontrol), else the job id.
    /// </summary>
    public string QueryId => ArrayTask ?? JobId;

    /// <summary>The job of this process, or null outside SLURM (no <c>SLURM_JOB_ID</c>).</summary>
    public static SlurmJob? FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariables());

    /// <summary>The job described by <paramref name="variables"/>, or null without <c>SLURM_JOB_ID</c>.</summary>
    public static SlurmJob? FromEnvironment(IDictionary variables)
    {
        string? Get(string name) => variables[name] is string s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;
        if (Get("SLURM_JOB_ID") is not { } id)
        {
            return null;
        }
        var arrayTask = Get("SLURM_ARRAY_JOB_ID") is { } array && Get("SLURM_ARRAY_TASK_ID") is { } task ? $"{array}_{task}" : null;
        return new SlurmJob(id, Get("SLURM_JOB_NAME"), PositiveInt(Get("SLURM_RESTART_COUNT")) ?? 0,
            GpuCount(Get("CUDA_VISIBLE_DEVICES"), Get("SLURM_GPUS_ON_NODE")), PositiveInt(Get("SLURM_CPUS_PER_TASK")), arrayTask);
    }

    /// <summary>
    /// Worker slots for this job: one per GPU SLURM assigned, else one per CPU of the task, else null (keep the
    /// silo's default). A trial uses one GPU; CPU trials share the cores through intra-op threads.
    /// </summary>
    public int? WorkerSlots => Gpus > 0 ? Gpus : CpusPerTask;

    /// <summary>
    /// GPUs visible to the job: the entries of <c>CUDA_VISIBLE_DEVICES</c> (SLURM's gres plugin sets it to the
    /// assigned indices, or "NoDevFiles" when none), else <c>SLURM_GPUS_ON_NODE</c>.
    /// </summary>
    public static int GpuCount(string? cudaVisibleDevices, string? gpusOnNode)
    {
        if (cudaVisibleDevices is { } visible && !visible.Equals("NoDevFiles", StringComparison.OrdinalIgnoreCase))
        {
            var ids = visible.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // "-1" (or any negative index) hides every GPU from CUDA.
            if (ids.Length > 0 && !ids[0].StartsWith('-'))
            {
                return ids.Length;
            }
            if (ids.Length > 0)
            {
                return 0;
            }
        }
        return PositiveInt(gpusOnNode) ?? 0;
    }

    private static int? PositiveInt(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}
