namespace OrleansHpo.Core.Scheduling;

/// <summary>
/// <c>numpy.quantile(values, q)</c> with numpy's default method ("linear", Hyndman &amp; Fan type 7), as used by
/// <c>quantile_cutoff</c> in Syne Tune's <c>hyperband_stopping.py</c>. Reproduces numpy's lerp so results match bit for bit.
/// </summary>
internal static class NumpyQuantile
{
    /// <summary>The quantile at <paramref name="q"/> in [0, 1] of <paramref name="n"/> values already in ascending order, without NaN, read through
    /// <paramref name="at"/>: no copy, no sort (a rung keeps its entries sorted).</summary>
    public static double LinearSorted(int n, Func<int, double> at, double q)
    {
        var virtualIndex = (n - 1) * q;
        var previous = (int)Math.Floor(virtualIndex);
        if (previous < 0)
        {
            return at(0);
        }
        if (previous >= n - 1)
        {
            return at(n - 1);
        }
        var gamma = virtualIndex - previous;
        var a = at(previous);
        var b = at(previous + 1);
        // numpy's _lerp: a + (b - a) * t, computed from the b side when t >= 0.5 for accuracy.
        var diff = b - a;
        var result = gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
        return a == b ? a : result;
    }
}
