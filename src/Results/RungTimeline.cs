namespace OrleansHpo.Results;

/// <summary>
/// One rung level over time: how many trials sit at the level (reached it and have not gone on) and when trials went
/// on past it (promoted, or continued for the stopping variants). A trial leaves a rung at the tuner time of its next
/// report. Used by the rungs plot (<see cref="ExperimentPlots.Rungs"/>) and the web dashboard.
/// </summary>
/// <param name="Level">Rung level (resource); the last timeline of an experiment is max_t, where trials complete.</param>
/// <param name="Changes">(time, +1 arrived / -1 left) in time order, arrivals first at equal times.</param>
/// <param name="WentOn">Times at which trials went on past the level, in order.</param>
public sealed record RungTimeline(int Level, IReadOnlyList<(double Time, int Delta)> Changes, IReadOnlyList<double> WentOn)
{
    /// <summary>The timelines of every rung level of <paramref name="experiment"/> (its rung levels, then max_t).</summary>
    public static IReadOnlyList<RungTimeline> Of(Experiment experiment)
    {
        var levels = experiment.RungLevels().Append(experiment.MaxT).Distinct().Order().ToList();
        var byTrial = experiment.Rows.GroupBy(r => r.TrialId).Select(g => g.OrderBy(r => r.Epoch).ToList()).ToList();
        var result = new List<RungTimeline>(levels.Count);
        foreach (var level in levels)
        {
            var changes = new List<(double Time, int Delta)>();
            var wentOn = new List<double>();
            foreach (var rows in byTrial)
            {
                int i = rows.FindIndex(r => r.Epoch == level);
                if (i < 0)
                {
                    continue;
                }
                changes.Add((rows[i].TunerTime, +1));
                if (i + 1 < rows.Count)
                {
                    changes.Add((rows[i + 1].TunerTime, -1));
                    wentOn.Add(rows[i + 1].TunerTime);
                }
            }
            changes.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : b.Delta.CompareTo(a.Delta));
            wentOn.Sort();
            result.Add(new RungTimeline(level, changes, wentOn));
        }
        return result;
    }
}
