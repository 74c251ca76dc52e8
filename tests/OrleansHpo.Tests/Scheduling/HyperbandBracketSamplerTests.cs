using OrleansHpo.Core.Scheduling;
using Xunit;

namespace OrleansHpo.Tests.Scheduling;

public class HyperbandBracketSamplerTests
{
    // levels 1, 3, 9 + max_t 27: S+1 = 4; weights 4/(4*1) = 1, 4/(3*3) = 4/9, 4/(2*9) = 2/9; total 15/9
    [Fact]
    public void ProbabilitiesByHand()
    {
        var sampler = new HyperbandBracketSampler([1, 3, 9], 27, null);
        Assert.Equal(3, sampler.NumBrackets);
        Assert.Equal(0.6, sampler.Probabilities[0], 12);
        Assert.Equal(4.0 / 15, sampler.Probabilities[1], 12);
        Assert.Equal(2.0 / 15, sampler.Probabilities[2], 12);
        Assert.Equal(1.0, sampler.Probabilities.Sum(), 12);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.59, 0)]
    [InlineData(0.61, 1)]
    [InlineData(0.86, 1)]
    [InlineData(0.87, 2)]
    [InlineData(0.999999999, 2)]
    public void SampleIsInverseCdf(double u, int expected)
        => Assert.Equal(expected, new HyperbandBracketSampler([1, 3, 9], 27, null).Sample(u));

    [Theory]
    [InlineData(null, 4)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(10, 4)]
    public void ProbabilitiesSumToOne(int? numBrackets, int expectedBrackets)
    {
        var sampler = new HyperbandBracketSampler(RungLevels.Compute(1, 3, 81), 81, numBrackets);
        Assert.Equal(expectedBrackets, sampler.NumBrackets);
        Assert.Equal(expectedBrackets, sampler.Probabilities.Count);
        Assert.Equal(1.0, sampler.Probabilities.Sum(), 12);
        Assert.All(sampler.Probabilities, p => Assert.True(p > 0));
    }

    [Fact]
    public void BracketSkipsItsFirstRungs()
    {
        var sampler = new HyperbandBracketSampler([1, 3, 9, 27], 81, null);
        Assert.Equal([1, 3, 9, 27], sampler.RungLevelsOf(0));
        Assert.Equal([9, 27], sampler.RungLevelsOf(2));
        Assert.Equal([27], sampler.RungLevelsOf(3));
    }

    [Fact]
    public void NoRungsMeansOneBracket()
    {
        var sampler = new HyperbandBracketSampler([], 5, null);
        Assert.Equal(1, sampler.NumBrackets);
        Assert.Equal([1.0], sampler.Probabilities);
        Assert.Equal(0, sampler.Sample(0.7));
    }
}
