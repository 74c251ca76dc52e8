using OrleansHpo.Silo.Slurm;

namespace OrleansHpo.Tests.Slurm;

/// <summary>Every format <c>squeue -o %L</c> and <c>scontrol show job</c> print for a job's time, and text they never print.</summary>
public sealed class SlurmTimeLeftTests
{
    [Theory]
    [InlineData("0:00", 0, 0, 0, 0)]
    [InlineData("0:51", 0, 0, 0, 51)]           // squeue in the last hour: minutes not padded
    [InlineData("1:00", 0, 0, 1, 0)]
    [InlineData("05:07", 0, 0, 5, 7)]
    [InlineData("59:59", 0, 0, 59, 59)]
    [InlineData("1:00:00", 0, 1, 0, 0)]
    [InlineData("01:02:03", 0, 1, 2, 3)]
    [InlineData("23:59:59", 0, 23, 59, 59)]
    [InlineData("1-00:00:00", 1, 0, 0, 0)]
    [InlineData("2-03:04:05", 2, 3, 4, 5)]
    [InlineData("7-0:00:00", 7, 0, 0, 0)]
    [InlineData("30-23:59:59", 30, 23, 59, 59)]
    [InlineData("1-05:06", 1, 0, 5, 6)]         // days with minutes:seconds only
    [InlineData("  1:30:00\n", 0, 1, 30, 0)]    // squeue's trailing newline
    public void Durations(string text, int days, int hours, int minutes, int seconds)
    {
        var left = SlurmTimeLeft.Parse(text);
        Assert.Equal(SlurmTimeKind.Duration, left.Kind);
        Assert.Equal(new TimeSpan(days, hours, minutes, seconds), left.Remaining);
        Assert.False(left.IsOpenEnded);
    }

    [Theory]
    [InlineData("UNLIMITED", SlurmTimeKind.Unlimited)]
    [InlineData("unlimited\n", SlurmTimeKind.Unlimited)]
    [InlineData("INFINITE", SlurmTimeKind.Unlimited)]
    [InlineData("Partition_Limit", SlurmTimeKind.Unlimited)]
    [InlineData("NOT_SET", SlurmTimeKind.NotSet)]
    public void Open_ended(string text, SlurmTimeKind kind)
    {
        var left = SlurmTimeLeft.Parse(text);
        Assert.Equal(kind, left.Kind);
        Assert.True(left.IsOpenEnded);
        Assert.Equal(TimeSpan.MaxValue, left.Remaining);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("INVALID")]
    [InlineData("N/A")]
    [InlineData("5")]                 // a bare number: minutes for sbatch --time, never printed by squeue
    [InlineData("1:5")]               // seconds must be two digits
    [InlineData("1:60")]
    [InlineData("60:00")]             // 60 minutes is printed as 1:00:00
    [InlineData("24:00:00")]          // 24 hours is printed as 1-00:00:00
    [InlineData("1:2:3:4")]
    [InlineData("-1:00")]
    [InlineData("1-")]
    [InlineData("a-01:00:00")]
    [InlineData("01:00:00 extra")]
    [InlineData("0:30\n0:40")]        // two jobs' lines
    [InlineData("99999999-00:00:00")] // too many days for a TimeSpan
    [InlineData("１:００")]            // full-width digits
    public void Malformed_text_means_no_time_left(string? text)
    {
        var left = SlurmTimeLeft.Parse(text);
        Assert.Equal(SlurmTimeKind.Malformed, left.Kind);
        Assert.Equal(TimeSpan.Zero, left.Remaining);
        Assert.False(left.IsOpenEnded);
    }

    [Fact]
    public void Scontrol_show_job_time_left_is_the_limit_minus_the_run_time()
    {
        const string show = """
            JobId=12 JobName=hpo-silo
               JobState=RUNNING Reason=None Dependency=(null)
               Requeue=1 Restarts=2 BatchFlag=1 Reboot=0 ExitCode=0:0
               RunTime=00:01:15 TimeLimit=00:02:00 TimeMin=N/A
               SubmitTime=2026-12-02T03:53:19 EligibleTime=2026-12-02T03:55:20
            """;
        var left = SlurmCommands.FromShowJob(show);
        Assert.Equal(new SlurmTimeLeft(SlurmTimeKind.Duration, TimeSpan.FromSeconds(45)), left);
        Assert.Equal(SlurmTimeKind.Unlimited, SlurmCommands.FromShowJob("RunTime=00:01:15 TimeLimit=UNLIMITED").Kind);
        Assert.Equal(TimeSpan.Zero, SlurmCommands.FromShowJob("RunTime=00:03:00 TimeLimit=00:02:00").Remaining); // past its limit
        Assert.Equal(SlurmTimeKind.Malformed, SlurmCommands.FromShowJob("JobId=12 JobState=RUNNING").Kind);
        Assert.Equal(SlurmTimeKind.Malformed, SlurmCommands.FromShowJob("RunTime=soon TimeLimit=00:02:00").Kind);
        Assert.Equal(SlurmTimeKind.Duration, SlurmCommands.FromShowJob("OverTimeLimit=9 RunTime=0:10 TimeLimit=1:00").Kind);
    }
}
