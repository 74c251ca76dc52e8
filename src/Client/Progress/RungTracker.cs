using OrleansHpo.Results;

namespace OrleansHpo.Client.Progress;

/// <summary>Follows results.csv as it grows and keeps, per rung level, how many trials reached it, wait there, were stopped there or went on.</summary>
public sealed class RungTracker(string resultsCsv, int maxT)
{
    private readonly ResultsTail _tail = new(resultsCsv);
    private readonly Dictionary<int, (int Epoch, string Decision)> _last = [];
    private readonly Dictionary<int, int> _reached = [];
    private readonly SortedSet<int> _levels = [maxT];

    /// <summary>Rows: level, reached, paused there, stopped there, went on past it (completed at max_t).</summary>
    public IReadOnlyList<(int Level, int Reached, int Paused, int Stopped, int WentOn)> Rows { get; private set; } = [];

    /// <summary>Reads what was appended since the last call; a damaged file leaves the previous rows.</summary>
    public void Refresh()
    {
        IReadOnlyList<ResultRow> rows;
        try
        {
            rows = _tail.ReadNew();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return;
        }
        if (rows.Count == 0 && Rows.Count > 0)
        {
            return;
        }
        foreach (var row in rows)
        {
            _reached[row.Epoch] = _reached.GetValueOrDefault(row.Epoch) + 1;
            if (!_last.TryGetValue(row.TrialId, out var last) || row.Epoch >= last.Epoch)
            {
                _last[row.TrialId] = (row.Epoch, row.Decision);
            }
            if (row.Epoch < maxT && row.Decision is "PAUSE" or "STOP")
            {
                _levels.Add(row.Epoch);
            }
        }
        var result = new List<(int, int, int, int, int)>();
        foreach (var level in _levels)
        {
            int paused = 0, stopped = 0, wentOn = 0;
            foreach (var (epoch, decision) in _last.Values)
            {
                if (epoch > level)
                {
                    wentOn++;
                }
                else if (epoch == level && decision == "PAUSE")
                {
                    paused++;
                }
                else if (epoch == level && decision == "STOP")
                {
                    stopped++;
                }
            }
            result.Add((level, _reached.GetValueOrDefault(level), paused, stopped, level == maxT ? stopped : wentOn));
        }
        Rows = result;
    }
}
