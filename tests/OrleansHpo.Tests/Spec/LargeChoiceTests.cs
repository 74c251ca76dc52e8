using System.Diagnostics;
using System.Text;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Tests.Spec;

/// <summary>
/// A <c>choice</c> with very many values validates in linear time (the duplicate check is a hash lookup, see
/// <see cref="ConfigValueComparer"/>). The bound is deliberately generous: a quadratic check takes hours at 1M values.
/// It is on the CPU time of the validating thread (Linux: /proc/thread-self/stat), not wall time, so a machine
/// shared with other builds does not make it flaky.
/// </summary>
public sealed class LargeChoiceTests
{
    private static string Spec(int count, Func<int, string> value)
    {
        var values = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            values.Append(i == 0 ? "" : ",").Append(value(i));
        }
        return $$"""
        {
          "name": "big-choice", "trainable": "synthetic", "metric": "loss", "mode": "min",
          "config_space": { "learning_rate": { "type": "choice", "values": [{{values}}] }, "epochs": 3 },
          "max_resource_attr": "epochs",
          "scheduler": { "type": "fifo" },
          "stop": { "max_trials_started": 2 }
        }
        """;
    }

    [Fact]
    public void A_million_choice_values_validate_in_under_two_seconds()
    {
        var json = Spec(1_000_000, i => (i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var clock = Stopwatch.StartNew();
        var cpu = ThreadCpuTime();
        var result = SpecParser.Parse(json);
        cpu = ThreadCpuTime() - cpu;
        clock.Stop();
        Assert.True(result.Ok, string.Join("\n", result.Errors.Take(3)));
        Assert.Equal(1_000_000, ((ChoiceDomain)result.Spec!.ConfigSpace["learning_rate"]).Values.Count);
        Assert.True(cpu < TimeSpan.FromSeconds(2), $"took {cpu.TotalSeconds:F2}s of CPU ({clock.Elapsed.TotalSeconds:F2}s wall)");
    }

    /// <summary>User + system time of the calling thread (fields 14 and 15 of /proc/thread-self/stat, in 1/100 s).</summary>
    private static TimeSpan ThreadCpuTime()
    {
        if (!File.Exists("/proc/thread-self/stat"))
        {
            return Process.GetCurrentProcess().TotalProcessorTime;
        }
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    [Fact]
    public void Duplicates_in_a_long_list_are_named_with_the_first_index_and_numbers_compare_by_value()
    {
        // 3 and 3.0 are one value; "3" is another.
        var json = Spec(100_000, i => i == 99_999 ? "3.0" : i == 50_000 ? "\"3\"" : i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var result = SpecParser.Parse(json);
        var error = Assert.Single(result.Errors);
        Assert.Equal("config_space.learning_rate.values[99999]", error.Path);
        Assert.Contains("duplicate of values[3]", error.Message);
    }
}
