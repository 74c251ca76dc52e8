using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Scheduling;

/// <summary>Best-first order of rung entries: by value per mode, NaN last, ties broken by earlier arrival.</summary>
internal sealed class EntryOrder : IComparer<RungEntry>
{
    public static readonly EntryOrder Min = new(Mode.Min);
    public static readonly EntryOrder Max = new(Mode.Max);

    private readonly Mode _mode;

    private EntryOrder(Mode mode) => _mode = mode;

    public static EntryOrder For(Mode mode) => mode == Mode.Min ? Min : Max;

    public int Compare(RungEntry? x, RungEntry? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var c = CompareValues(x.Value, y.Value);
        return c != 0 ? c : x.Arrival.CompareTo(y.Arrival);
    }

    private int CompareValues(double a, double b)
    {
        var aNaN = double.IsNaN(a);
        var bNaN = double.IsNaN(b);
        if (aNaN || bNaN)
        {
            return aNaN == bNaN ? 0 : aNaN ? 1 : -1;
        }
        return _mode == Mode.Min ? a.CompareTo(b) : b.CompareTo(a);
    }
}
