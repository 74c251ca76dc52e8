using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Tests.Spec;

public class DomainTests
{
    private static (double Lo, double Hi) Range(double a, double b)
    {
        var lo = Math.Min(a, b);
        var hi = Math.Max(a, b);
        return (lo, hi == lo ? lo + 1 : hi);
    }

    [Property(MaxTest = 200)]
    public Property UniformSamplesStayWithinBounds(NormalFloat a, NormalFloat b, int seed)
    {
        var (lo, hi) = Range(a.Get, b.Get);
        var d = new UniformDomain(lo, hi);
        var rng = new Random(seed);
        return Enumerable.Range(0, 20).Select(_ => (double)d.Sample(rng)).All(x => x >= lo && x <= hi && d.Contains(x)).ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property LogUniformSamplesStayWithinBounds(PositiveInt a, PositiveInt b, byte scale, int seed)
    {
        var (lo, hi) = Range(a.Get * Math.Pow(10, -(scale % 12)), b.Get);
        var d = new LogUniformDomain(lo, hi);
        var rng = new Random(seed);
        var def = (double)d.Default();
        return (Enumerable.Range(0, 20).Select(_ => (double)d.Sample(rng)).All(x => x >= lo && x <= hi)
                && def >= lo && def <= hi).ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property RandIntSamplesAreIntegersWithinInclusiveBounds(int a, int b, bool log, int seed)
    {
        long lo = Math.Min(a, b), hi = Math.Max(a, b);
        if (log)
        {
            lo = Math.Max(1, Math.Abs(lo) % 1000);
            hi = lo + (Math.Abs(hi) % 100000);
        }
        var d = new RandIntDomain(lo, hi, log);
        var rng = new Random(seed);
        var grid = d.GridValues(5).Cast<long>().ToList();
        return (Enumerable.Range(0, 20).Select(_ => d.Sample(rng)).All(x => x is long v && v >= lo && v <= hi)
                && d.Default() is long m && m >= lo && m <= hi
                && grid.All(g => g >= lo && g <= hi) && grid.Distinct().Count() == grid.Count && grid[0] == lo && grid[^1] == hi).ToProperty();
    }

    [Fact]
    public void RandIntSamplingReachesBothEnds()
    {
        var d = new RandIntDomain(3, 5, false);
        var rng = new Random(1);
        var seen = Enumerable.Range(0, 200).Select(_ => (long)d.Sample(rng)).ToHashSet();
        Assert.Equal(new HashSet<long> { 3, 4, 5 }, seen);
        var logD = new RandIntDomain(1, 4, true);
        Assert.Equal(new HashSet<long> { 1, 2, 3, 4 }, Enumerable.Range(0, 400).Select(_ => (long)logD.Sample(rng)).ToHashSet());
    }

    [Fact]
    public void LogRandIntFavoursSmallValues()
    {
        var d = new RandIntDomain(1, 1000, true);
        var rng = new Random(3);
        var below32 = Enumerable.Range(0, 2000).Count(_ => (long)d.Sample(rng) < 32);
        Assert.InRange(below32, 800, 1200); // log(32)/log(1001) ~ 0.5
    }

    [Fact]
    public void Defaults()
    {
        Assert.Equal(0.5, new UniformDomain(0, 1).Default());
        Assert.Equal(0.01, (double)new LogUniformDomain(0.0001, 1).Default(), 12);
        // Exact, not 0.0010000000000000002 / 9.999999999999991E-05 (what exp(log) gave):
        Assert.Equal("0.001", ((double)new LogUniformDomain(1e-6, 1).Default()).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.0001", ((double)new LogUniformDomain(1e-5, 1e-3).Default()).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(256L, new RandIntDomain(8, 512, false).Default() is long l ? l - 4 : 0); // round(260)
        Assert.Equal(64L, new RandIntDomain(8, 512, true).Default());
        Assert.Equal(2L, new RandIntDomain(1, 4, false).Default()); // round(2.5) half to even, like Python
        Assert.Equal("a", new ChoiceDomain(["a", "b"]).Default());
        Assert.Equal(27L, new FixedDomain(27L).Default());
        Assert.False(new FixedDomain(27L).IsTunable);
        Assert.True(new ChoiceDomain(["a"]).IsTunable);
    }

    [Fact]
    public void GridValues()
    {
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], new UniformDomain(0, 1).GridValues(5));
        var log = new LogUniformDomain(0.001, 10).GridValues(5).Cast<double>().ToArray();
        Assert.Equal(5, log.Length);
        Assert.Equal([0.001, 0.01, 0.1, 1, 10], log.Select(x => Math.Round(x, 10)));
        Assert.Equal([1L, 2L, 3L], new RandIntDomain(1, 3, false).GridValues(5));
        Assert.Equal([0L, 25L, 50L, 75L, 100L], new RandIntDomain(0, 100, false).GridValues(5));
        Assert.Equal([1L, 10L, 100L, 1000L], new RandIntDomain(1, 1000, true).GridValues(4));
        Assert.Equal(["x", 1L, true], new ChoiceDomain(["x", 1L, true]).GridValues(2));
        Assert.Equal([27L], new FixedDomain(27L).GridValues(5));
    }

    [Fact]
    public void GridOfOddPointsContainsTheDefault()
    {
        Domain[] domains = [new UniformDomain(-3, 7.3), new LogUniformDomain(1e-5, 0.3), new RandIntDomain(2, 999, false), new RandIntDomain(2, 999, true)];
        foreach (var d in domains)
        {
            Assert.Contains(d.GridValues(5), v => Domain.ValueEquals(v, d.Default()));
        }
    }

    [Fact]
    public void ContainsAndCoerce()
    {
        var r = new RandIntDomain(1, 10, false);
        Assert.True(r.TryCoerce(3.0, out var c));
        Assert.Equal(3L, c);
        Assert.False(r.Contains(3.5));
        Assert.False(r.Contains(11L));
        Assert.False(r.Contains("3"));
        var u = new UniformDomain(0, 1);
        Assert.True(u.TryCoerce(1L, out var cu));
        Assert.Equal(1.0, cu);
        Assert.False(u.Contains(double.NaN));
        var ch = new ChoiceDomain(["a", 2L, 2.5, false]);
        Assert.True(ch.TryCoerce(2.0, out var cc));
        Assert.Equal(2L, cc);
        Assert.False(ch.Contains(true));
        Assert.True(new FixedDomain(0.5).Contains(0.5));
        Assert.False(new FixedDomain("x").Contains("y"));
    }

    [Fact]
    public void ConfigSpaceKeepsJsonOrderAndIncludesFixedValues()
    {
        var space = new ConfigSpace([
            new("b", new UniformDomain(0, 1)),
            new("a", new FixedDomain(3L)),
            new("c", new ChoiceDomain(["x", "y"])),
        ]);
        Assert.Equal(["b", "a", "c"], space.AllNames);
        Assert.Equal(["b", "c"], space.TunableNames);
        Assert.True(space.TryGet("a", out var a));
        Assert.Equal(new FixedDomain(3L), a);
        Assert.False(space.TryGet("z", out _));
        var sample = space.Sample(new Random(5));
        Assert.Equal(3L, sample["a"]);
        Assert.Equal(["b", "a", "c"], sample.Keys);
        Assert.Equal(new Dictionary<string, object> { ["b"] = 0.5, ["a"] = 3L, ["c"] = "x" }, space.Default());
        Assert.Throws<ArgumentException>(() => new ConfigSpace([new("a", new FixedDomain(1L)), new("a", new FixedDomain(2L))]));
    }
}
