using System.Collections;
using OrleansHpo.Silo;
using OrleansHpo.Silo.Slurm;

namespace OrleansHpo.Tests.Slurm;

/// <summary>What a silo takes from its SLURM job's environment, and the drain margin policy.</summary>
public sealed class SlurmJobTests
{
    private static SlurmJob? Job(params (string Name, string Value)[] variables) =>
        SlurmJob.FromEnvironment(new Hashtable(variables.ToDictionary(v => v.Name, v => (object)v.Value)));

    [Fact]
    public void Outside_slurm_there_is_no_job()
    {
        Assert.Null(Job());
        Assert.Null(Job(("SLURM_JOB_ID", " "), ("SLURM_CPUS_PER_TASK", "4")));
    }

    [Fact]
    public void Slots_come_from_the_gpus_then_the_cpus()
    {
        Assert.Equal(2, Job(("SLURM_JOB_ID", "7"), ("CUDA_VISIBLE_DEVICES", "0,3"), ("SLURM_CPUS_PER_TASK", "8"))!.WorkerSlots);
        Assert.Equal(4, Job(("SLURM_JOB_ID", "7"), ("SLURM_GPUS_ON_NODE", "4"))!.WorkerSlots);
        Assert.Equal(8, Job(("SLURM_JOB_ID", "7"), ("CUDA_VISIBLE_DEVICES", "NoDevFiles"), ("SLURM_CPUS_PER_TASK", "8"))!.WorkerSlots);
        Assert.Equal(8, Job(("SLURM_JOB_ID", "7"), ("CUDA_VISIBLE_DEVICES", "-1"), ("SLURM_GPUS_ON_NODE", "2"), ("SLURM_CPUS_PER_TASK", "8"))!.WorkerSlots);
        Assert.Null(Job(("SLURM_JOB_ID", "7"))!.WorkerSlots);
        Assert.Null(Job(("SLURM_JOB_ID", "7"), ("SLURM_CPUS_PER_TASK", "zero"))!.WorkerSlots);
    }

    [Fact]
    public void Id_name_and_restarts_are_read()
    {
        var job = Job(("SLURM_JOB_ID", "123"), ("SLURM_JOB_NAME", "hpo-silo"), ("SLURM_RESTART_COUNT", "2"))!;
        Assert.Equal(("123", "hpo-silo", 2, "123"), (job.JobId, job.Name, job.RestartCount, job.QueryId));
        // A task of a job array is asked about as ARRAYJOB_TASK: the bare id of the first task names the whole array.
        var task = Job(("SLURM_JOB_ID", "8"), ("SLURM_ARRAY_JOB_ID", "8"), ("SLURM_ARRAY_TASK_ID", "1"))!;
        Assert.Equal(("8", "8_1"), (task.JobId, task.QueryId));
    }

    [Fact]
    public void A_slurm_job_sets_slots_and_device_unless_given()
    {
        var gpuJob = new SlurmJob("1", "hpo-silo", 0, Gpus: 2, CpusPerTask: 8);
        var (options, configuration) = ClusterSiloHost.Configure([]);
        SlurmSettings.Apply(options, configuration, gpuJob);
        Assert.Equal((2, "cuda"), (options.WorkerSlots, options.Device));

        (options, configuration) = ClusterSiloHost.Configure(["--slots", "3", "--device", "cpu"]);
        SlurmSettings.Apply(options, configuration, gpuJob);
        Assert.Equal((3, "cpu"), (options.WorkerSlots, options.Device));

        (options, configuration) = ClusterSiloHost.Configure([]);
        SlurmSettings.Apply(options, configuration, new SlurmJob("1", null, 0, 0, 6));
        Assert.Equal((6, "cpu"), (options.WorkerSlots, options.Device));
    }

    [Fact]
    public void Bad_slurm_switches_are_named()
    {
        Assert.Contains("--slurm", Assert.Throws<FormatException>(() => ClusterSiloHost.Configure(["--slurm", "maybe"])).Message);
        Assert.Contains("HH:MM:SS", Assert.Throws<FormatException>(() => ClusterSiloHost.Configure(["--slurm-min-margin", "soon"])).Message);
        Assert.Equal(TimeSpan.FromSeconds(20), ClusterSiloHost.Configure(["--slurm-min-margin", "00:00:20"]).Options.SlurmMinMargin);
    }

    [Fact]
    public void The_margin_is_twice_the_longest_epoch_and_at_least_the_minimum()
    {
        var policy = DrainMarginPolicy.Default;
        Assert.Equal(TimeSpan.FromSeconds(60), policy.Margin(null));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.Margin(TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(90), policy.Margin(TimeSpan.FromSeconds(45)));
        Assert.Equal(TimeSpan.FromSeconds(20), (policy with { MinMargin = TimeSpan.FromSeconds(20) }).Margin(TimeSpan.FromSeconds(1)));
        Assert.True(policy.Margin(TimeSpan.MaxValue) > TimeSpan.FromDays(1000)); // no overflow
        Assert.Equal(TimeSpan.FromSeconds(40), policy.UntilDrain(TimeSpan.FromSeconds(100), null));
        Assert.True(policy.UntilDrain(TimeSpan.FromSeconds(30), null) < TimeSpan.Zero);
        var end = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal(end.AddSeconds(-5), policy.AbortBy(end));
    }

    [Fact]
    public void Slurm_is_asked_more_often_as_the_drain_nears()
    {
        var max = TimeSpan.FromSeconds(30);
        Assert.Equal(max, DrainMarginPolicy.NextPoll(TimeSpan.FromHours(3), max));
        Assert.Equal(TimeSpan.FromSeconds(10), DrainMarginPolicy.NextPoll(TimeSpan.FromSeconds(20), max));
        Assert.Equal(TimeSpan.FromSeconds(1), DrainMarginPolicy.NextPoll(TimeSpan.FromSeconds(1), max));
        Assert.Equal(TimeSpan.FromSeconds(1), DrainMarginPolicy.NextPoll(TimeSpan.FromSeconds(-5), max));
    }
}
