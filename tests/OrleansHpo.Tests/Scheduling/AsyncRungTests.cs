using OrleansHpo.Core.Scheduling;
using OrleansHpo.Core.Spec;
using Xunit;

namespace OrleansHpo.Tests.Scheduling;

public class AsyncRungTests
{
    private const double Third = 1.0 / 3;

    private static AsyncRung RungWith(double q, Mode mode, params double[] values)
    {
        var rung = new AsyncRung(1, q, mode);
        for (var i = 0; i < values.Length; i++)
        {
            rung.Add(i, values[i]);
        }
        return rung;
    }

    [Fact]
    public void CutoffIsNullBelowTwoEntries()
    {
        Assert.Null(RungWith(Third, Mode.Min).Cutoff());
        Assert.Null(RungWith(Third, Mode.Min, 4.0).Cutoff());
    }

    // Expected values are numpy.quantile(values, q) (default method "linear"), computed by hand:
    // sort, h = (n - 1) * q, x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]).
    [Theory]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, Third, 2.0)] // h = 1
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, Third, 2.0)] // order does not matter
    [InlineData(new[] { 1.0, 2.0 }, 0.5, 1.5)] // h = 0.5
    [InlineData(new[] { 5.0, 3.0 }, Third, 3.0 + 2.0 / 3)] // h = 1/3
    [InlineData(new[] { 0.5, 0.2, 0.9 }, Third, 0.2 + 0.3 * (2.0 / 3))] // sorted 0.2, 0.5, 0.9; h = 2/3
    [InlineData(new[] { 10.0, 20.0, 30.0, 40.0, 50.0 }, 0.25, 20.0)] // h = 1
    [InlineData(new[] { 10.0, 20.0, 30.0, 40.0, 50.0 }, 0.3, 22.0)] // h = 1.2
    public void CutoffMatchesNumpyLinearQuantileForMin(double[] values, double q, double expected)
        => Assert.Equal(expected, RungWith(q, Mode.Min, values).Cutoff()!.Value, 12);

    [Fact]
    public void CutoffUsesOneMinusQForMax()
    {
        // q = 1/3 -> numpy.quantile([1,2,3,4], 2/3): h = 2 -> 3
        Assert.Equal(3.0, RungWith(Third, Mode.Max, 1, 2, 3, 4).Cutoff()!.Value, 12);
        // numpy.quantile([10,20,30,40,50], 0.7): h = 2.8 -> 38
        Assert.Equal(38.0, RungWith(0.3, Mode.Max, 10, 20, 30, 40, 50).Cutoff()!.Value, 12);
    }

    [Fact]
    public void EntriesAreSortedBestFirstWithTiesByArrival()
    {
        var rung = RungWith(Third, Mode.Min, 3, 1, 2, 1);
        Assert.Equal([1, 3, 2, 0], rung.Entries.Select(e => e.TrialId));
        Assert.Equal([1L, 3L, 2L, 0L], rung.Entries.Select(e => e.Arrival));

        var max = RungWith(Third, Mode.Max, 3, 1, 2, 3);
        Assert.Equal([0, 3, 2, 1], max.Entries.Select(e => e.TrialId));
    }

    [Fact]
    public void AddIsIdempotent()
    {
        var rung = RungWith(Third, Mode.Min, 3, 1);
        rung.Add(0, -100);
        Assert.Equal(2, rung.Count);
        Assert.Equal(3.0, rung.Entries.Single(e => e.TrialId == 0).Value);
        Assert.True(rung.Contains(1));
        Assert.False(rung.Contains(7));
    }

    // d2l "Asynchronous Successive Halving" (seed 001), eta = 2, rung levels 1, 2 (max_t 4): quantile 1/2 at both rungs.
    [Fact]
    public void SeedWorkedExampleEta2()
    {
        IReadOnlyList<int> levels = RungLevels.Compute(1, 2, 4);
        Assert.Equal([1, 2], levels);
        var rung0 = new AsyncRung(levels[0], RungLevels.Quantile(levels, 0, 4), Mode.Min);
        var rung1 = new AsyncRung(levels[1], RungLevels.Quantile(levels, 1, 4), Mode.Min);
        Assert.Equal(0.5, rung0.Quantile);

        // Worker asks for work with an empty rung system: nothing to promote, new trials start.
        int? Schedule() => rung1.TryPromote() ?? rung0.TryPromote(); // highest rung first

        Assert.Null(Schedule());
        rung0.Add(0, 0.20); // Trial-0 finishes rung 0
        Assert.Null(Schedule()); // one entry: too few to promote -> new Trial-2 would start
        rung0.Add(1, 0.50); // Trial-1 finishes rung 0
        Assert.Equal(0, Schedule()); // the better of Trial-0 and Trial-1 is promoted at once
        Assert.True(rung0.Entries.Single(e => e.TrialId == 0).Promoted);

        rung1.Add(0, 0.15); // Trial-0 finishes rung 1
        Assert.Null(Schedule()); // too few at rung 1, Trial-1 is worse than the rung-0 cutoff -> new Trial-3

        rung0.Add(3, 0.30); // Trial-3 finishes rung 0 (Trial-2 still pending): worse than Trial-0, better than Trial-1
        Assert.Equal(3, Schedule()); // 3 entries, median 0.30: Trial-3 is now in the top half
        Assert.Null(Schedule());
        Assert.False(rung0.Entries.Single(e => e.TrialId == 1).Promoted);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 2)]
    [InlineData(7, 3)]
    [InlineData(10, 4)]
    public void PromotionCountIsFloorNMinus1TimesQPlus1ForEta3(int n, int expected)
    {
        foreach (var mode in new[] { Mode.Min, Mode.Max })
        {
            var rung = new AsyncRung(1, Third, mode);
            for (var i = 0; i < n; i++)
            {
                rung.Add(i, (i * 7919) % 101); // distinct values in scrambled order
            }
            var promoted = 0;
            while (rung.TryPromote() is not null)
            {
                promoted++;
            }
            Assert.Equal(expected, promoted);
            Assert.Equal((int)Math.Floor((n - 1) * Third) + 1, promoted);
        }
    }

    [Fact]
    public void TryPromoteTakesBestFirstAndTiesGoToEarlierArrival()
    {
        var rung = RungWith(0.5, Mode.Min, 5, 2, 2, 9);
        Assert.Equal(1, rung.TryPromote());
        Assert.Equal(2, rung.TryPromote());
        Assert.Null(rung.TryPromote());
    }

    [Fact]
    public void TryPromoteInMaxMode()
    {
        var rung = RungWith(Third, Mode.Max, 0.1, 0.9);
        Assert.Equal(1, rung.TryPromote());
        Assert.Null(rung.TryPromote());
        rung.Add(2, 0.95);
        rung.Add(3, 0.50);
        Assert.Equal(2, rung.TryPromote()); // n = 4: two promotions in total
        Assert.Null(rung.TryPromote());
    }

    [Fact]
    public void StoppingDecisionsMin()
    {
        var rung = new AsyncRung(1, Third, Mode.Min);
        Assert.True(rung.OnResultStopping(0, 5)); // alone: continue
        Assert.True(rung.OnResultStopping(1, 3)); // [3,5] cutoff 3.667
        Assert.False(rung.OnResultStopping(2, 10)); // [3,5,10] cutoff 4.333
        Assert.True(rung.OnResultStopping(3, 4)); // [3,4,5,10] cutoff 4: value equal to cutoff continues
        Assert.Equal(4, rung.Count);
        // idempotent: the stored value 10 decides, nothing is added
        Assert.False(rung.OnResultStopping(2, 0));
        Assert.Equal(4, rung.Count);
        Assert.False(rung.OnResultStopping(0, 5)); // now 5 > cutoff 4
    }

    [Fact]
    public void StoppingDecisionsMax()
    {
        var rung = new AsyncRung(1, Third, Mode.Max);
        Assert.True(rung.OnResultStopping(0, 3));
        Assert.True(rung.OnResultStopping(1, 5)); // [3,5] quantile 2/3 = 4.333
        Assert.False(rung.OnResultStopping(2, 4)); // [3,4,5] quantile 2/3 -> h = 4/3 -> 4.333
        Assert.True(rung.OnResultStopping(3, 4.5)); // [3,4,4.5,5] h = 2 -> 4.5
    }

    [Fact]
    public void RestoreRebuildsOrderAndArrivalCounter()
    {
        var original = RungWith(Third, Mode.Min, 3, 1, 2, 1);
        original.TryPromote();
        var restored = AsyncRung.Restore(1, Third, Mode.Min, original.Entries.Reverse());
        Assert.Equal(original.Entries, restored.Entries);
        restored.Add(9, 1);
        Assert.Equal(4L, restored.Entries.Single(e => e.TrialId == 9).Arrival);
        Assert.Equal([1, 3, 9, 2, 0], restored.Entries.Select(e => e.TrialId));
        Assert.Equal(3, restored.TryPromote()); // 1 was promoted before the restore
    }
}
