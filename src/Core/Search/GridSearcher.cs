using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Search;

/// <summary>
/// The initial points first, then the cartesian product of every key's <see cref="Domain.GridValues"/> in config-space
/// order (the last key varies fastest), skipping configs equal to an initial point; null once exhausted. Trial i's
/// config depends only on i.
/// </summary>
public sealed class GridSearcher : TrialIdSearcher
{
    private readonly IReadOnlyList<IReadOnlyDictionary<string, object>> _initial;
    private readonly string[] _names;
    private readonly IReadOnlyList<object>[] _values;
    private readonly long[] _skipped; // product indices equal to an initial point, ascending

    /// <exception cref="ArgumentException">An initial point does not fit the space.</exception>
    public GridSearcher(ConfigSpace space, int gridPoints, IReadOnlyList<IReadOnlyDictionary<string, object>> initial)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridPoints, 1);
        _initial = InitialPoints.Complete(space, initial ?? []);
        _names = [.. space.AllNames];
        _values = [.. space.Entries.Select(e => e.Value.GridValues(gridPoints))];
        long total = 1;
        foreach (var v in _values)
        {
            total = v.Count == 0 ? 0 : total > long.MaxValue / v.Count ? long.MaxValue : total * v.Count;
        }
        GridSize = total;
        var skipped = new SortedSet<long>();
        foreach (var point in _initial)
        {
            if (IndexOf(point) is { } index)
            {
                skipped.Add(index);
            }
        }
        _skipped = [.. skipped];
    }

    /// <summary>Number of configs in the product (saturates at <see cref="long.MaxValue"/>).</summary>
    public long GridSize { get; }

    /// <summary>Total number of configs this searcher proposes: initial points plus the product minus duplicates.</summary>
    public long Count => GridSize == long.MaxValue ? long.MaxValue : _initial.Count + GridSize - _skipped.Length;

    protected override Suggestion? ConfigOf(int trialId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trialId);
        if (trialId < _initial.Count)
        {
            return new Suggestion(_initial[trialId], SuggestionSource.Initial);
        }
        long j = trialId - _initial.Count;
        foreach (var s in _skipped)
        {
            if (s <= j)
            {
                j++;
            }
            else
            {
                break;
            }
        }
        if (j >= GridSize)
        {
            return null;
        }
        var config = new Dictionary<string, object>(_names.Length, StringComparer.Ordinal);
        var digits = new int[_names.Length];
        for (var k = _names.Length - 1; k >= 0; k--)
        {
            digits[k] = (int)(j % _values[k].Count);
            j /= _values[k].Count;
        }
        for (var k = 0; k < _names.Length; k++)
        {
            config[_names[k]] = _values[k][digits[k]];
        }
        return new Suggestion(config, SuggestionSource.Grid);
    }

    private long? IndexOf(IReadOnlyDictionary<string, object> point)
    {
        if (GridSize == long.MaxValue)
        {
            return null;
        }
        long index = 0;
        for (var k = 0; k < _names.Length; k++)
        {
            var values = _values[k];
            var digit = -1;
            for (var d = 0; d < values.Count; d++)
            {
                if (Domain.ValueEquals(values[d], point[_names[k]]))
                {
                    digit = d;
                    break;
                }
            }
            if (digit < 0)
            {
                return null;
            }
            index = (index * values.Count) + digit;
        }
        return index;
    }
}
