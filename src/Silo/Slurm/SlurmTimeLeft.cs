using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansHpo.Silo.Slurm;

/// <summary>What SLURM says about a job's time: no limit, a limit not yet known, a duration, or text it could not read.</summary>
public enum SlurmTimeKind
{
    /// <summary><c>UNLIMITED</c> (also <c>INFINITE</c>, <c>Partition_Limit</c> in <c>scontrol show job</c>).</summary>
    Unlimited,

    /// <summary><c>NOT_SET</c>: the limit is not known yet; the silo asks again later.</summary>
    NotSet,

    /// <summary>A duration: <see cref="SlurmTimeLeft.Remaining"/> holds it.</summary>
    Duration,

    /// <summary>Unreadable text: <see cref="SlurmTimeLeft.Remaining"/> is zero, the worst case (drain now).</summary>
    Malformed,
}

/// <summary>
/// A time in SLURM's format, as <c>squeue -h -j $SLURM_JOB_ID -o %L</c> prints the time left and
/// <c>scontrol show job</c> prints <c>TimeLimit=</c> and <c>RunTime=</c>: <c>UNLIMITED</c>, <c>NOT_SET</c>, or
/// <c>[days-][hours:]minutes:seconds</c> (SLURM's <c>secs2time_str</c> leaves out zero days and hours and does not
/// pad the first part: <c>0:51</c>, <c>1:00:00</c>, <c>2-03:04:05</c>). Unreadable text is treated as "no time left" (assume the worst), as
/// in the ALICE/SHARK checkpointing guide's parse_time_limit (docs/slurm.md).
/// </summary>
public readonly partial record struct SlurmTimeLeft(SlurmTimeKind Kind, TimeSpan Remaining)
{
    /// <summary>Parses one value; surrounding white space (squeue's trailing newline) is ignored.</summary>
    public static SlurmTimeLeft Parse(string? text)
    {
        var value = (text ?? string.Empty).Trim();
        switch (value.ToUpperInvariant())
        {
            case "UNLIMITED" or "INFINITE" or "PARTITION_LIMIT":
                return new(SlurmTimeKind.Unlimited, TimeSpan.MaxValue);
            case "NOT_SET":
                return new(SlurmTimeKind.NotSet, TimeSpan.MaxValue);
        }
        var match = Format().Match(value);
        if (!match.Success)
        {
            return new(SlurmTimeKind.Malformed, TimeSpan.Zero);
        }
        static int Part(Group g) => g.Success ? int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        try
        {
            var remaining = new TimeSpan(Part(match.Groups["days"]), Part(match.Groups["hours"]), Part(match.Groups["minutes"]), Part(match.Groups["seconds"]));
            return new(SlurmTimeKind.Duration, remaining);
        }
        catch (ArgumentOutOfRangeException)
        {
            return new(SlurmTimeKind.Malformed, TimeSpan.Zero);
        }
    }

    /// <summary>True when the job has no end to prepare for (unlimited, or not known yet).</summary>
    public bool IsOpenEnded => Kind is SlurmTimeKind.Unlimited or SlurmTimeKind.NotSet;

    // days- optional; hours 0-23 (one or two digits) optional; minutes 0-59, one or two digits (squeue prints
    // "0:51" in the last hour, which the guide's two-digit pattern would misread as "no time left"); seconds 00-59.
    // "1-00:00:00", "2:03:04", "03:04", "0:51".
    [GeneratedRegex(@"^(?:(?<days>[0-9]{1,5})-)?(?:(?<hours>2[0-3]|[01]?[0-9]):)?(?<minutes>[0-5]?[0-9]):(?<seconds>[0-5][0-9])$", RegexOptions.CultureInvariant)]
    private static partial Regex Format();
}
