using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Tests.Search;

public class GridSearcherTests
{
    private static ConfigSpace Space() => new([
        new("a", new ChoiceDomain(["x", "y"])),
        new("n", new RandIntDomain(1, 3, false)),
        new("f", new FixedDomain(true)),
    ]);

    private static string Key(IReadOnlyDictionary<string, object> c) => $"{c["a"]}/{c["n"]}/{c["f"]}";

    private static List<string> Drain(ISearcher s)
    {
        var result = new List<string>();
        for (var i = 0; ; i++)
        {
            var c = s.Suggest(i);
            if (c is null)
            {
                Assert.Null(s.Suggest(i + 5)); // stays exhausted
                return result;
            }
            result.Add(Key(c));
        }
    }

    [Fact]
    public void CartesianProductInConfigSpaceOrderLastKeyFastestThenExhausted()
    {
        Assert.Equal(["x/1/True", "x/2/True", "x/3/True", "y/1/True", "y/2/True", "y/3/True"], Drain(new GridSearcher(Space(), 5, [])));
    }

    [Fact]
    public void InitialPointsFirstAndNotRepeated()
    {
        var s = new GridSearcher(Space(), 5, [new Dictionary<string, object> { ["a"] = "y", ["n"] = 2L }, new Dictionary<string, object> { ["n"] = 3.0 }]);
        Assert.Equal(["y/2/True", "x/3/True", "x/1/True", "x/2/True", "y/1/True", "y/3/True"], Drain(s));
        Assert.Equal(6, s.Count);
    }

    [Fact]
    public void InitialPointOffTheGridIsStillEvaluatedAndTheGridIsComplete()
    {
        var space = new ConfigSpace([new("u", new UniformDomain(0, 1))]);
        var s = new GridSearcher(space, 3, [new Dictionary<string, object> { ["u"] = 0.3 }, space.Default()]);
        var values = Enumerable.Range(0, 10).Select(s.Suggest).TakeWhile(c => c is not null).Select(c => (double)c!["u"]).ToList();
        Assert.Equal([0.3, 0.5, 0.0, 1.0], values);
    }

    [Fact]
    public void ContinuousDomainsUseGridPoints()
    {
        var space = new ConfigSpace([new("u", new UniformDomain(0, 1)), new("l", new LogUniformDomain(0.01, 1))]);
        var s = new GridSearcher(space, 4, []);
        Assert.Equal(16, s.GridSize);
        Assert.NotNull(s.Suggest(15));
        Assert.Null(s.Suggest(16));
    }

    [Fact]
    public void SuggestDependsOnlyOnTheTrialId()
    {
        var a = new GridSearcher(Space(), 5, []);
        var b = new GridSearcher(Space(), 5, []);
        Assert.Equal(Key(a.Suggest(4)!), Key(b.Suggest(4)!));
        Assert.Equal(Key(a.Suggest(0)!), Key(b.Suggest(0)!));
    }

    [Fact]
    public void HugeGridsDoNotOverflow()
    {
        var space = new ConfigSpace([.. Enumerable.Range(0, 40).Select(i => new KeyValuePair<string, Domain>($"k{i}", new UniformDomain(0, 1)))]);
        var s = new GridSearcher(space, 10, [space.Default()]);
        Assert.Equal(long.MaxValue, s.GridSize);
        Assert.NotNull(s.Suggest(int.MaxValue));
    }
}
