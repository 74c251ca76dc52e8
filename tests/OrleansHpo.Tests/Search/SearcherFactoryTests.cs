using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.Tests.Spec;

namespace OrleansHpo.Tests.Search;

public class SearcherFactoryTests
{
    private static ExperimentSpec Spec(params string[] overrides)
    {
        var r = SpecParser.Parse(SpecSamples.Minimal, overrides);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        return r.Spec!;
    }

    [Fact]
    public void UnsetPointsToEvaluateMeansTheMidpointFirst()
    {
        var spec = Spec("searcher.seed=5");
        var s = SearcherFactory.Create(spec);
        Assert.IsType<RandomSearcher>(s);
        Assert.Equal(spec.ConfigSpace.Default(), s.Suggest(0));
        Assert.Equal(0.5, s.Suggest(0)!["lr"]);
        Assert.NotEqual(0.5, s.Suggest(1)!["lr"]);
    }

    [Fact]
    public void EmptyPointsToEvaluateMeansRandomFromTheStart()
    {
        var s = SearcherFactory.Create(Spec("searcher.seed=5", "points_to_evaluate=[]"));
        var withMidpoint = SearcherFactory.Create(Spec("searcher.seed=5"));
        Assert.NotEqual(0.5, s.Suggest(0)!["lr"]);
        Assert.Equal(withMidpoint.Suggest(1)!["lr"], s.Suggest(1)!["lr"]); // trial i's config depends on (seed, i) only
    }

    [Fact]
    public void GivenPointsAreEvaluatedFirstAndCompleted()
    {
        var s = SearcherFactory.Create(Spec("points_to_evaluate=[{\"lr\": 0.25}, {\"lr\": 1}]"));
        Assert.Equal(0.25, s.Suggest(0)!["lr"]);
        Assert.Equal(9L, s.Suggest(0)!["epochs"]);
        Assert.Equal(1.0, s.Suggest(1)!["lr"]);
    }

    [Fact]
    public void GridSearcherFromSpec()
    {
        var spec = Spec("searcher.type=grid", "searcher.grid_points=3");
        var s = SearcherFactory.Create(spec);
        Assert.IsType<GridSearcher>(s);
        // midpoint first (0.5), then the grid 0, 0.5, 1 without the repeated midpoint
        var lrs = Enumerable.Range(0, 5).Select(s.Suggest).TakeWhile(c => c is not null).Select(c => c!["lr"]).ToList();
        Assert.Equal([0.5, 0.0, 1.0], lrs);
    }
}
