using OrleansHpo.Core.Scheduling;
using Xunit;

namespace OrleansHpo.Tests.Scheduling;

public class RungLevelsTests
{
    [Fact]
    public void Grace1Eta3MaxT81()
        => Assert.Equal([1, 3, 9, 27], RungLevels.Compute(1, 3, 81));

    [Fact]
    public void Grace2Eta2MaxT10()
        => Assert.Equal([2, 4, 8], RungLevels.Compute(2, 2, 10));

    [Fact]
    public void MaxTIsNeverARung()
    {
        Assert.Equal([1, 2, 4], RungLevels.Compute(1, 2, 8));
        Assert.Equal([1, 2, 4, 8], RungLevels.Compute(1, 2, 9));
    }

    [Fact]
    public void RoundsHalfToEvenLikePython()
    {
        // 1 * 2.5 = 2.5 -> round() = 2 (banker's rounding), 6.25 -> 6
        Assert.Equal([1, 2, 6], RungLevels.Compute(1, 2.5, 10));
    }

    [Fact]
    public void RejectsDegenerateArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RungLevels.Compute(0, 3, 81));
        Assert.Throws<ArgumentOutOfRangeException>(() => RungLevels.Compute(1, 1, 81));
        Assert.Throws<ArgumentOutOfRangeException>(() => RungLevels.Compute(5, 3, 5));
    }

    [Fact]
    public void ExplicitLevelsDropALastMaxT()
    {
        Assert.Equal([1, 5, 10], RungLevels.FromExplicit([1, 5, 10, 20], 20));
        Assert.Equal([1, 5, 10], RungLevels.FromExplicit([1, 5, 10], 20));
    }

    [Fact]
    public void ExplicitLevelsMustBeStrictlyIncreasingAndWithinMaxT()
    {
        Assert.Throws<ArgumentException>(() => RungLevels.FromExplicit([1, 5, 5], 20));
        Assert.Throws<ArgumentException>(() => RungLevels.FromExplicit([1, 3, 2], 20));
        Assert.Throws<ArgumentException>(() => RungLevels.FromExplicit([1, 30], 20));
        Assert.Throws<ArgumentException>(() => RungLevels.FromExplicit([0, 3], 20));
    }

    [Fact]
    public void QuantileIsLevelOverNextLevelOrMaxT()
    {
        IReadOnlyList<int> levels = [1, 3, 9, 27];
        Assert.Equal(1.0 / 3, RungLevels.Quantile(levels, 0, 81));
        Assert.Equal(1.0 / 3, RungLevels.Quantile(levels, 3, 81));
        Assert.Equal(0.5, RungLevels.Quantile([5, 10], 1, 20));
        Assert.Equal(0.5, RungLevels.Quantile([5, 10], 0, 20));
        Assert.Equal(10.0 / 15, RungLevels.Quantile([5, 10], 1, 15));
    }

    [Fact]
    public void NextMilestone()
    {
        IReadOnlyList<int> levels = [1, 3, 9, 27];
        Assert.Equal(1, RungLevels.NextMilestone(levels, 0, 81));
        Assert.Equal(3, RungLevels.NextMilestone(levels, 1, 81));
        Assert.Equal(27, RungLevels.NextMilestone(levels, 9, 81));
        Assert.Equal(81, RungLevels.NextMilestone(levels, 27, 81));
        Assert.Equal(9, RungLevels.NextMilestone(levels, 5, 81));
    }
}
