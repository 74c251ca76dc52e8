namespace OrleansHpo.Bench.Netns;

/// <summary>One step of a seeded schedule: wait <paramref name="After"/>, apply <paramref name="Command"/> (arguments of
/// netns-cluster.sh) for <paramref name="Hold"/>, then heal it (<paramref name="Heal"/>).</summary>
public sealed record ScheduledFault(TimeSpan After, string Kind, string Target, string[] Command, string[] Heal, TimeSpan Hold);

/// <summary>
/// The randomized schedule: a fault every 20-60 s (partitions, one-way cuts, Redis-only cuts, latency, loss, kills,
/// pauses), each held for a while and healed before the next. The same seed gives the same schedule.
/// </summary>
public static class FaultSchedule
{
    public static readonly string[] Kinds = ["isolate", "cut-redis", "cut-oneway", "cut-client", "delay", "loss", "kill", "pause"];

    public static List<ScheduledFault> Make(int seed, int silos, TimeSpan duration, int minGapSeconds = 20, int maxGapSeconds = 60)
    {
        var random = new Random(seed);
        var list = new List<ScheduledFault>();
        var at = TimeSpan.Zero;
        while (true)
        {
            var gap = TimeSpan.FromSeconds(random.Next(minGapSeconds, maxGapSeconds + 1));
            if (at + gap > duration)
            {
                break;
            }
            at += gap;
            var kind = Kinds[random.Next(Kinds.Length)];
            int silo = random.Next(1, silos + 1);
            int other = 1 + (silo + random.Next(0, silos - 1)) % silos; // another silo
            // Held 10-20 s, but at most 2/3 of the gap, so the heal comes before the next fault.
            var hold = TimeSpan.FromSeconds(Math.Min(random.Next(10, 21), gap.TotalSeconds * 2 / 3));
            string s = silo.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string o = other.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var (command, heal, target) = kind switch
            {
                "isolate" => (new[] { "isolate", s }, new[] { "heal" }, s),
                "cut-redis" => (["cut-redis", s], ["heal"], s),
                "cut-oneway" => (["cut", "s" + s, "s" + o], ["heal"], s),
                "cut-client" => (["cut-client"], ["heal"], "client"),
                "delay" => (["delay", "s" + s, "100", "50"], ["heal"], s),
                "loss" => (["loss", "s" + s, "5"], ["heal"], s),
                "kill" => (["kill", s], ["restart", s], s),
                _ => (["pause", s], ["resume", s], s),
            };
            list.Add(new ScheduledFault(gap, kind, target, command, heal, hold));
        }
        return list;
    }
}
