using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;

namespace CustomTrainable;

/// <summary>
/// A searcher that learns from reports: after the initial points, each new trial either explores (a random config)
/// or exploits (the best config seen so far at the highest resource reached, with each tunable key re-sampled with
/// probability 1/2). Every random draw comes from a generator seeded by (seed, trialId), as the searcher contract
/// asks (docs/searchers.md), so a replayed instance suggests what an uninterrupted one would.
/// </summary>
public sealed class LocalSearcher(ExperimentSpec spec, IReadOnlyList<IReadOnlyDictionary<string, object>> initial, double explore) : ISearcher
{
    private readonly Dictionary<int, IReadOnlyDictionary<string, object>> _configs = [];
    private readonly Dictionary<int, (int Resource, double Metric)> _last = [];

    public Suggestion? Suggest(int trialId, IReadOnlyCollection<int> pending)
    {
        if (trialId < initial.Count)
        {
            return new Suggestion(initial[trialId], SuggestionSource.Initial);
        }
        var rng = new Random(SeedHash.Combine(spec.Searcher.Seed, trialId));
        var fresh = spec.ConfigSpace.Sample(rng);
        if (rng.NextDouble() < explore || Best() is not { } best)
        {
            return new Suggestion(fresh, SuggestionSource.Random);
        }
        var child = new Dictionary<string, object>(best, StringComparer.Ordinal);
        foreach (var name in spec.ConfigSpace.TunableNames)
        {
            if (rng.NextDouble() < 0.5)
            {
                child[name] = fresh[name];
            }
        }
        return new Suggestion(child, SuggestionSource.Model);
    }

    public void OnTrialStarted(int trialId, IReadOnlyDictionary<string, object> config) => _configs[trialId] = config;

    public void OnReport(int trialId, int resource, double metric) => _last[trialId] = (resource, metric);

    public void OnTrialStatus(int trialId, SearcherTrialStatus status)
    {
    }

    private IReadOnlyDictionary<string, object>? Best()
    {
        if (_last.Count == 0)
        {
            return null;
        }
        int top = _last.Values.Max(v => v.Resource);
        var sign = spec.Mode == Mode.Min ? 1 : -1;
        var best = _last.Where(kv => kv.Value.Resource == top).OrderBy(kv => sign * kv.Value.Metric).ThenBy(kv => kv.Key).First();
        return _configs.GetValueOrDefault(best.Key);
    }
}
