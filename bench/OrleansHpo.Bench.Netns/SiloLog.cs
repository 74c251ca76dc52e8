using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansHpo.Bench.Netns;

/// <summary>A training run as two silo log lines show it: begin, and end (or the silo process's last line).</summary>
public sealed record RunSpan(int Trial, int RunId, long Fence, string Silo, string Log, DateTime Begin, DateTime End, string Outcome, int ResumeFrom);

/// <summary>A batch of reports the trial grain accepted (its Debug line "recorded epochs").</summary>
public sealed record Recorded(int Trial, int RunId, long Fence, string Silo, string Log, DateTime At, int First, int Last);

/// <summary>A write refused because its activation or run was stale (fence, ETag) or the store was unreachable.</summary>
public sealed record Rejected(int Trial, string Log, DateTime At, string Reason);

/// <summary>
/// Parses the silo logs (simple console format, one line each, "HH:mm:ss.fff level: Category[id] message", UTC) into
/// runs, accepted report batches and rejected writes. The lines are those of TrialRun ("Trial T run R begins on SILO
/// after epoch E, trains to M (fence F)", "... ends on SILO: OUTCOME") and TrialGrain ("recorded epochs", "stale").
/// </summary>
public static partial class SiloLog
{
    [GeneratedRegex(@"^(\d\d):(\d\d):(\d\d)\.(\d{3}) ")]
    private static partial Regex Stamp();

    [GeneratedRegex(@"Trial (\d+) run (\d+) begins on (\S+) after epoch (\d+), trains to (\d+) \(fence (\d+)\)")]
    private static partial Regex Begin();

    [GeneratedRegex(@"Trial (\d+) run (\d+) ends on (\S*): (\w+)")]
    private static partial Regex End();

    [GeneratedRegex(@"Trial (\d+) run (\d+) recorded epochs (\d+)-(\d+) on (\S+) \(fence (\d+)\)")]
    private static partial Regex RecordedLine();

    [GeneratedRegex(@"Trial (\d+): stale run \d+ stops without writing|Trial [^ ]*?(\d+): stale activation, stopping without writing|Trial [^ ]*?(\d+): state write failed")]
    private static partial Regex Stale();

    public sealed record Parsed(List<RunSpan> Runs, List<Recorded> Recorded, List<Rejected> Rejected, List<(string Log, DateTime At)> ProcessStarts);

    /// <summary>Parse one silo's log. <paramref name="day"/>: the UTC date of its first line (a later line earlier in the day is the next day).</summary>
    public static Parsed Parse(string log, IEnumerable<string> lines, DateTime day)
    {
        var runs = new List<RunSpan>();
        var recorded = new List<Recorded>();
        var rejected = new List<Rejected>();
        var starts = new List<(string, DateTime)>();
        var open = new Dictionary<(int Trial, long Fence, string Silo), RunSpan>();
        DateTime last = DateTime.MinValue;
        void CloseOpen(DateTime at, string outcome)
        {
            foreach (var run in open.Values)
            {
                runs.Add(run with { End = at, Outcome = outcome });
            }
            open.Clear();
        }
        foreach (var line in lines)
        {
            var stamp = Stamp().Match(line);
            if (!stamp.Success)
            {
                continue;
            }
            int I(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);
            var at = day.Date + new TimeSpan(0, I(stamp.Groups[1]), I(stamp.Groups[2]), I(stamp.Groups[3]), I(stamp.Groups[4]));
            while (last != DateTime.MinValue && at < last - TimeSpan.FromHours(12))
            {
                at = at.AddDays(1);
                day = day.AddDays(1);
            }
            if (line.Contains("active in cluster", StringComparison.Ordinal))
            {
                // A new silo process in this log: the previous one's runs without an end line ended with it.
                CloseOpen(last == DateTime.MinValue ? at : last, "process ended");
                starts.Add((log, at));
            }
            last = at;
            if (Begin().Match(line) is { Success: true } b)
            {
                var key = (I(b.Groups[1]), long.Parse(b.Groups[6].Value, CultureInfo.InvariantCulture), b.Groups[3].Value);
                open[key] = new RunSpan(key.Item1, I(b.Groups[2]), key.Item2, key.Item3, log, at, DateTime.MaxValue, "open", I(b.Groups[4]));
            }
            else if (End().Match(line) is { Success: true } e)
            {
                var match = open.Values.Where(r => r.Trial == I(e.Groups[1]) && r.RunId == I(e.Groups[2]) && r.Silo == e.Groups[3].Value)
                    .OrderBy(r => r.Begin).FirstOrDefault();
                if (match is not null)
                {
                    open.Remove((match.Trial, match.Fence, match.Silo));
                    runs.Add(match with { End = at, Outcome = e.Groups[4].Value });
                }
            }
            else if (RecordedLine().Match(line) is { Success: true } r)
            {
                recorded.Add(new Recorded(I(r.Groups[1]), I(r.Groups[2]), long.Parse(r.Groups[6].Value, CultureInfo.InvariantCulture), r.Groups[5].Value, log, at, I(r.Groups[3]), I(r.Groups[4])));
            }
            else if (Stale().Match(line) is { Success: true } s)
            {
                var trial = s.Groups.Values.Skip(1).First(g => g.Success);
                rejected.Add(new Rejected(I(trial), log, at, line.Contains("state write failed", StringComparison.Ordinal) ? "store unreachable" : "stale"));
            }
        }
        CloseOpen(last, "process ended");
        return new Parsed(runs, recorded, rejected, starts);
    }
}
