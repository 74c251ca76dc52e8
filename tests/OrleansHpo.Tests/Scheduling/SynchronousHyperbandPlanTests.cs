using OrleansHpo.Core.Scheduling;
using Xunit;

namespace OrleansHpo.Tests.Scheduling;

public class SynchronousHyperbandPlanTests
{
    private static (int Level, int Size)[] Rungs(SynchronousHyperbandPlan plan, int b)
        => plan.Bracket(b).Select(r => (r.Level, r.Size)).ToArray();

    // r_min 1, eta 3, max_t 27: s_max = 3 (3^3 = 27).
    // b = 0: pre = 4/4 = 1 -> sizes 27, 9, 3, 1 at 1, 3, 9, 27
    // b = 1: pre = 4/3 -> ceil(12) = 12, ceil(4) = 4, ceil(1.33) = 2 at 3, 9, 27
    // b = 2: pre = 2 -> 6, 2 at 9, 27
    // b = 3: pre = 4 -> 4 at 27
    [Fact]
    public void Eta3MaxT27()
    {
        var plan = new SynchronousHyperbandPlan(1, 3, 27, null);
        Assert.Equal(3, plan.SMax);
        Assert.Equal(4, plan.NumBrackets);
        Assert.Equal([(1, 27), (3, 9), (9, 3), (27, 1)], Rungs(plan, 0));
        Assert.Equal([(3, 12), (9, 4), (27, 2)], Rungs(plan, 1));
        Assert.Equal([(9, 6), (27, 2)], Rungs(plan, 2));
        Assert.Equal([(27, 4)], Rungs(plan, 3));
    }

    // r_min 1, eta 2, max_t 8: s_max = 3.
    // b = 0: 8, 4, 2, 1 at 1, 2, 4, 8
    // b = 1: pre 4/3 -> ceil(5.33) = 6, ceil(2.67) = 3, ceil(1.33) = 2 at 2, 4, 8
    // b = 2: pre 2 -> 4, 2 at 4, 8
    // b = 3: pre 4 -> 4 at 8
    [Fact]
    public void Eta2MaxT8()
    {
        var plan = new SynchronousHyperbandPlan(1, 2, 8, null);
        Assert.Equal(4, plan.NumBrackets);
        Assert.Equal([(1, 8), (2, 4), (4, 2), (8, 1)], Rungs(plan, 0));
        Assert.Equal([(2, 6), (4, 3), (8, 2)], Rungs(plan, 1));
        Assert.Equal([(4, 4), (8, 2)], Rungs(plan, 2));
        Assert.Equal([(8, 4)], Rungs(plan, 3));
    }

    [Fact]
    public void MaxTNotAPowerOfEtaEndsWithMaxT()
    {
        // r_min 1, eta 3, max_t 10: s_max = 3 (27 >= 10); bracket 0 levels 1, 3, 9, 10
        var plan = new SynchronousHyperbandPlan(1, 3, 10, 1);
        Assert.Equal(1, plan.NumBrackets);
        Assert.Equal([(1, 27), (3, 9), (9, 3), (10, 1)], Rungs(plan, 0));
    }

    [Fact]
    public void NumBracketsOneIsSuccessiveHalvingAndCycles()
    {
        var sh = new SynchronousHyperbandPlan(1, 3, 27, 1);
        Assert.Equal(1, sh.NumBrackets);
        Assert.Equal(0, sh.BracketIndexOfInstance(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => sh.Bracket(1));

        var hb = new SynchronousHyperbandPlan(1, 3, 27, 99); // clamped to s_max + 1
        Assert.Equal(4, hb.NumBrackets);
        Assert.Equal([0, 1, 2, 3, 0, 1], Enumerable.Range(0, 6).Select(hb.BracketIndexOfInstance));
    }
}
