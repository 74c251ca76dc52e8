using OrleansHpo.Core.Scheduling;
using OrleansHpo.Core.Spec;
using Xunit;

namespace OrleansHpo.Tests.Scheduling;

public class SyncRungTests
{
    [Fact]
    public void PromotesNothingUntilFullThenTheTopOneAtATime()
    {
        var rung = new SyncRung(1, 4, 2, Mode.Min);
        rung.Add(10, 0.4);
        rung.Add(11, 0.1);
        rung.Add(12, 0.3);
        Assert.False(rung.IsFull);
        Assert.Null(rung.TryPromote());
        Assert.Equal(2, rung.PromotionsLeft);
        rung.Add(13, 0.2);
        Assert.True(rung.IsFull);
        Assert.Equal(11, rung.TryPromote());
        Assert.Equal(1, rung.PromotionsLeft);
        Assert.Equal(13, rung.TryPromote());
        Assert.Equal(0, rung.PromotionsLeft);
        Assert.Null(rung.TryPromote());
        Assert.Equal([10, 11, 12, 13], rung.Entries.Select(e => e.TrialId)); // arrival order
        Assert.Equal([false, true, false, true], rung.Entries.Select(e => e.Promoted));
    }

    [Fact]
    public void MaxModeTiesGoToEarlierArrivalAndNaNRanksLast()
    {
        var rung = new SyncRung(3, 4, 3, Mode.Max);
        rung.Add(1, double.NaN);
        rung.Add(2, 0.7);
        rung.Add(3, 0.9);
        rung.Add(4, 0.7);
        Assert.Equal(3, rung.TryPromote());
        Assert.Equal(2, rung.TryPromote());
        Assert.Equal(4, rung.TryPromote());
        Assert.Null(rung.TryPromote());
    }

    [Fact]
    public void NaNRanksLastInMinModeToo()
    {
        var rung = new SyncRung(1, 3, 2, Mode.Min);
        rung.Add(1, double.NaN);
        rung.Add(2, 5);
        rung.Add(3, 7);
        Assert.Equal(2, rung.TryPromote());
        Assert.Equal(3, rung.TryPromote());
    }

    [Fact]
    public void AddIsIdempotentAndRejectsOverflow()
    {
        var rung = new SyncRung(1, 2, 1, Mode.Min);
        rung.Add(1, 3);
        rung.Add(1, 0);
        Assert.Single(rung.Entries);
        rung.Add(2, 4);
        rung.Add(2, 4); // replay on a full rung is fine
        Assert.Throws<InvalidOperationException>(() => rung.Add(3, 1));
    }

    [Fact]
    public void LastRungPromotesNothing()
    {
        var rung = new SyncRung(27, 1, 0, Mode.Min);
        rung.Add(1, 0.5);
        Assert.True(rung.IsFull);
        Assert.Null(rung.TryPromote());
    }

    [Fact]
    public void RestoreKeepsPromotions()
    {
        var rung = new SyncRung(1, 3, 2, Mode.Min);
        rung.Add(1, 3);
        rung.Add(2, 1);
        rung.Add(3, 2);
        Assert.Equal(2, rung.TryPromote());
        var restored = SyncRung.Restore(1, 3, 2, Mode.Min, rung.Entries.Reverse());
        Assert.Equal(rung.Entries, restored.Entries);
        Assert.Equal(1, restored.PromotionsLeft);
        Assert.Equal(3, restored.TryPromote());
        Assert.Null(restored.TryPromote());
    }
}
