using System.Diagnostics.CodeAnalysis;

namespace OrleansHpo.Core.Spec;

/// <summary>
/// An integer in [<paramref name="Lower"/>, <paramref name="Upper"/>] (both inclusive); values are <see cref="long"/>.
/// With <paramref name="Log"/> the integer is drawn log-uniformly (then <paramref name="Lower"/> &gt;= 1).
/// </summary>
public sealed record RandIntDomain(long Lower, long Upper, bool Log) : Domain
{
    public override bool IsTunable => true;

    public override object Sample(Random rng)
    {
        if (Upper <= Lower)
        {
            return Lower;
        }
        if (Log)
        {
            // floor(exp(U[log lower, log(upper + 1)))): integer k has probability proportional to log((k + 1) / k).
            var x = Math.Exp(Lerp(Math.Log(Lower), Math.Log(Upper + 1.0), rng.NextDouble()));
            return ClampLong(Math.Floor(x));
        }
        var range = (Int128)Upper - Lower + 1;
        if (range <= long.MaxValue)
        {
            return Lower + rng.NextInt64((long)range);
        }
        return ClampLong(Math.Floor(Lerp(Lower, Upper + 1.0, rng.NextDouble())));
    }

    /// <summary>round(midpoint), or round(geometric midpoint) when <see cref="Log"/>; rounding is half to even.</summary>
    public override object Default() => At(0.5);

    public override IReadOnlyList<object> GridValues(int points)
    {
        var count = (Int128)Upper - Lower + 1;
        if (count <= Math.Max(points, 1))
        {
            var all = new List<object>((int)count);
            for (var v = Lower; v <= Upper; v++)
            {
                all.Add(v);
                if (v == long.MaxValue)
                {
                    break;
                }
            }
            return all;
        }
        if (points < 2)
        {
            return [Default()];
        }
        var values = new List<object>(points);
        var seen = new HashSet<long>();
        for (var i = 0; i < points; i++)
        {
            var v = i == 0 ? Lower : i == points - 1 ? Upper : (long)At((double)i / (points - 1));
            if (seen.Add(v))
            {
                values.Add(v);
            }
        }
        values.Sort((a, b) => ((long)a).CompareTo((long)b));
        return values;
    }

    public override bool TryCoerce(object? value, [NotNullWhen(true)] out object? coerced)
    {
        coerced = null;
        long v;
        switch (value)
        {
            case long l:
                v = l;
                break;
            case int i:
                v = i;
                break;
            case double or float:
                var d = ToDouble(value);
                if (!double.IsFinite(d) || Math.Floor(d) != d || d < -9.2e18 || d > 9.2e18)
                {
                    return false;
                }
                v = (long)d;
                break;
            default:
                return false;
        }
        if (v < Lower || v > Upper)
        {
            return false;
        }
        coerced = v;
        return true;
    }

    private object At(double u)
    {
        var x = Log
            ? Math.Exp(Lerp(Math.Log(Lower), Math.Log(Upper), u))
            : Lerp(Lower, Upper, u);
        return ClampLong(Math.Round(x, MidpointRounding.ToEven));
    }

    private long ClampLong(double x) => x <= Lower ? Lower : x >= Upper ? Upper : (long)x;
}
