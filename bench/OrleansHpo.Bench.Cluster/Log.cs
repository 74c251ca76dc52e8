using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>Parses the silos' single-line console logs ("HH:mm:ss.fff info: ... message", UTC).</summary>
internal static partial class Log
{
    [GeneratedRegex(@"^(\d\d:\d\d:\d\d\.\d\d\d) .*Trial (\d+) recovers from (\S+)")]
    private static partial Regex RecoveryLine();

    [GeneratedRegex(@"epoch-(\d+)")]
    private static partial Regex EpochOf();

    /// <summary>"Trial N recovers from PATH|scratch": when, which trial, the epoch of the checkpoint it resumes from.</summary>
    public static (DateTime At, int Trial, int FromEpoch)? Recovery(string line, DateTime day)
    {
        var m = RecoveryLine().Match(line);
        if (!m.Success)
        {
            return null;
        }
        var time = TimeSpan.ParseExact(m.Groups[1].Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
        var from = EpochOf().Match(m.Groups[3].Value) is { Success: true } e ? int.Parse(e.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return (DateTime.SpecifyKind(day + time, DateTimeKind.Utc), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), from);
    }
}
