using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Search;

namespace OrleansHpo.ModelSearch.Tests;

/// <summary>
/// A synthetic multi-fidelity objective with a known optimum (0): g(x) = sum of squared distances of the encoded
/// numbers to (0.7, 0.4, 0.2) plus 0.15 unless act = "tanh"; the curve at resource r is g(x) + 0.3 / r, reported at
/// levels 1, 3 and 9. A driver runs a searcher with one trial in flight besides the one being suggested, so every
/// suggestion sees a pending trial.
/// </summary>
internal static class SyntheticProblem
{
    public static readonly int[] Levels = [1, 3, 9];

    public static ConfigSpace Space() => new(
    [
        new("lr", new LogUniformDomain(1e-4, 1e-1)),
        new("width", new RandIntDomain(16, 256, false)),
        new("dropout", new UniformDomain(0.0, 0.8)),
        new("act", new ChoiceDomain(["relu", "tanh", "sigmoid"])),
        new("epochs", new FixedDomain(9L)),
    ]);

    public static double G(IReadOnlyDictionary<string, object> c)
    {
        var ulr = (Math.Log((double)c["lr"]) - Math.Log(1e-4)) / (Math.Log(1e-1) - Math.Log(1e-4));
        var uw = ((long)c["width"] - 15.5) / 241.0;
        var ud = (double)c["dropout"] / 0.8;
        var act = (string)c["act"] == "tanh" ? 0.0 : 0.15;
        return ((ulr - 0.7) * (ulr - 0.7)) + ((uw - 0.4) * (uw - 0.4)) + ((ud - 0.2) * (ud - 0.2)) + act;
    }

    public static double Curve(IReadOnlyDictionary<string, object> c, int r) => G(c) + (0.3 / r);

    /// <summary>Runs <paramref name="trials"/> trials and returns the suggestions in order (and the best g).</summary>
    public static (List<Suggestion> Suggestions, double BestG) Run(ISearcher searcher, int trials, List<string>? log = null)
    {
        var suggestions = new List<Suggestion>();
        var best = double.PositiveInfinity;
        IReadOnlyDictionary<string, object>? inFlight = null;
        for (var t = 0; t <= trials; t++)
        {
            if (t < trials)
            {
                var pending = inFlight is null ? Array.Empty<int>() : [t - 1];
                var s = searcher.Suggest(t, pending) ?? throw new InvalidOperationException("exhausted");
                suggestions.Add(s);
                searcher.OnTrialStarted(t, s.Config);
                log?.Add($"start {t}");
            }
            if (inFlight is not null)
            {
                var id = t - 1;
                foreach (var r in Levels)
                {
                    searcher.OnReport(id, r, Curve(inFlight, r));
                    log?.Add($"report {id} {r}");
                }
                searcher.OnTrialStatus(id, SearcherTrialStatus.Completed);
                log?.Add($"completed {id}");
                best = Math.Min(best, G(inFlight));
            }
            inFlight = t < trials ? suggestions[t].Config : null;
        }
        return (suggestions, best);
    }

    /// <summary>Best g of <paramref name="trials"/> random configs (seeded as the random searcher: (seed, trial)).</summary>
    public static double RandomBest(int seed, int trials)
    {
        var space = Space();
        var best = double.PositiveInfinity;
        for (var t = 0; t < trials; t++)
        {
            best = Math.Min(best, G(space.Sample(new Random(OrleansHpo.Core.Search.SeedHash.Combine(seed + 1000, t)))));
        }
        return best;
    }
}
