using OrleansHpo.Bench.Netns;

namespace OrleansHpo.Tests.Netns;

public sealed class FaultScheduleTests
{
    [Fact]
    public void A_seed_replays_the_same_schedule_and_another_seed_gives_another()
    {
        var a = FaultSchedule.Make(7, 3, TimeSpan.FromMinutes(10));
        var b = FaultSchedule.Make(7, 3, TimeSpan.FromMinutes(10));
        Assert.Equal(a.Select(Text), b.Select(Text));
        Assert.NotEqual(a.Select(Text), FaultSchedule.Make(8, 3, TimeSpan.FromMinutes(10)).Select(Text));
    }

    [Fact]
    public void Faults_come_every_20_to_60_s_within_the_duration_and_each_is_healed_before_the_next()
    {
        var schedule = FaultSchedule.Make(3, 3, TimeSpan.FromMinutes(10));
        Assert.InRange(schedule.Count, 10, 30);
        Assert.All(schedule, f =>
        {
            Assert.InRange(f.After.TotalSeconds, 20, 60);
            Assert.True(f.Hold < f.After, $"{f.Kind} held {f.Hold} of a {f.After} gap");
            Assert.NotEmpty(f.Heal);
        });
        Assert.True(schedule.Sum(f => f.After.TotalSeconds) <= 600);
        Assert.All(schedule.Where(f => f.Kind == "cut-oneway"), f => Assert.NotEqual(f.Command[1], f.Command[2]));
    }

    private static string Text(ScheduledFault f) => $"{f.After} {string.Join(' ', f.Command)} {f.Hold}";
}
