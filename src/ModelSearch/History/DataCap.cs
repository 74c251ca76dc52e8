namespace OrleansHpo.ModelSearch.History;

/// <summary>
/// Caps the observations fed to the GP at <c>max_size_data_for_model</c> (500 by default) the way Syne Tune's
/// <c>cap_size_tuning_job_state</c> does (<c>bayesopt/models/subsample_state_multi_fidelity.py</c>, v0.13): trials
/// observed at higher levels are kept with all their data; from the top level down, whole trials are added while they
/// fit, and the level that overflows is filled by sampling without replacement, dropping the lowest levels of those
/// trials first. The result keeps the input's order.
/// </summary>
public static class DataCap
{
    public static List<Observation> Apply(List<Observation> data, int maxSize, Random rng)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count <= maxSize)
        {
            return data;
        }
        var remaining = Enumerable.Range(0, data.Count).ToList();
        var chosen = new List<int>(maxSize);
        var levels = data.Select(o => o.Resource).Distinct().Order().ToList();
        for (var li = levels.Count - 1; li >= 0 && chosen.Count < maxSize; li--)
        {
            var level = levels[li];
            var trials = remaining.Where(i => data[i].Resource == level).Select(i => data[i].TrialId).ToHashSet();
            var next = remaining.Where(i => trials.Contains(data[i].TrialId)).ToList();
            remaining = [.. remaining.Where(i => !trials.Contains(data[i].TrialId))];
            var gap = maxSize - chosen.Count;
            if (next.Count > gap)
            {
                foreach (var low in levels.Where(r => r <= level))
                {
                    List<int> sample;
                    if (low < level)
                    {
                        sample = [.. next.Where(i => data[i].Resource == low)];
                        next = [.. next.Where(i => data[i].Resource > low)];
                    }
                    else
                    {
                        sample = next;
                        next = [];
                    }
                    var sampleSize = gap - next.Count;
                    if (sampleSize > 0)
                    {
                        // partial Fisher-Yates: sampleSize distinct entries of sample
                        for (var k = 0; k < sampleSize; k++)
                        {
                            var j = k + rng.Next(sample.Count - k);
                            (sample[k], sample[j]) = (sample[j], sample[k]);
                            next.Add(sample[k]);
                        }
                        break;
                    }
                }
            }
            chosen.AddRange(next);
        }
        chosen.Sort();
        return [.. chosen.Select(i => data[i])];
    }
}
