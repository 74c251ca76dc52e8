using OrleansHpo.Core.Spec;

namespace OrleansHpo.Core.Search;

/// <summary>
/// The initial points first (trial ids 0 .. initial.Count - 1), then random configs. The config of trial i depends only on
/// (seed, i), so it is the same whatever order trials are asked for, and after a restart.
/// </summary>
public sealed class RandomSearcher : TrialIdSearcher
{
    private readonly ConfigSpace _space;
    private readonly int _seed;
    private readonly IReadOnlyList<IReadOnlyDictionary<string, object>> _initial;

    /// <exception cref="ArgumentException">An initial point does not fit the space.</exception>
    public RandomSearcher(ConfigSpace space, int seed, IReadOnlyList<IReadOnlyDictionary<string, object>> initial)
    {
        ArgumentNullException.ThrowIfNull(space);
        _space = space;
        _seed = seed;
        _initial = InitialPoints.Complete(space, initial ?? []);
    }

    protected override Suggestion? ConfigOf(int trialId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trialId);
        if (trialId < _initial.Count)
        {
            return new Suggestion(_initial[trialId], SuggestionSource.Initial);
        }
        return new Suggestion(_space.Sample(new Random(SeedHash.Combine(_seed, trialId))), SuggestionSource.Random);
    }
}
