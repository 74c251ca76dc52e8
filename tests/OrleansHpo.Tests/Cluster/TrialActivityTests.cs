using OrleansHpo.Grains.Execution;

namespace OrleansHpo.Tests.Cluster;

/// <summary>
/// The local slot count the placement director trusts: activations plus placements decided but not yet activated.
/// Found by the SIGSTOP cluster test: an experiment placed its 4 first trials at once and all 4 went to the local
/// silo with 2 slots, because none had activated when the next was placed.
/// </summary>
public sealed class TrialActivityTests
{
    private static GrainId Trial(int id) => GrainId.Create("hpo-trial", $"exp/{id}");

    [Fact]
    public void Placements_decided_before_any_activation_take_no_more_than_the_free_slots()
    {
        var activity = new TrialActivity();
        Assert.True(activity.TryReserve(Trial(0), slots: 2));
        Assert.True(activity.TryReserve(Trial(1), slots: 2));
        Assert.False(activity.TryReserve(Trial(2), slots: 2));
        Assert.False(activity.TryReserve(Trial(3), slots: 2));
    }

    [Fact]
    public void An_activation_turns_its_reservation_into_an_active_trial_and_a_deactivation_frees_the_slot()
    {
        var activity = new TrialActivity();
        Assert.True(activity.TryReserve(Trial(0), slots: 2));
        activity.Activated(Trial(0));
        Assert.Equal(1, activity.ActiveTrials);
        Assert.True(activity.TryReserve(Trial(1), slots: 2));
        Assert.False(activity.TryReserve(Trial(2), slots: 2));
        activity.Deactivated();
        Assert.True(activity.TryReserve(Trial(2), slots: 2));
    }

    [Fact]
    public void Placing_the_same_trial_again_reuses_its_reservation()
    {
        var activity = new TrialActivity();
        Assert.True(activity.TryReserve(Trial(0), slots: 1));
        Assert.True(activity.TryReserve(Trial(0), slots: 1));
        Assert.False(activity.TryReserve(Trial(1), slots: 1));
    }

    [Fact]
    public void An_activation_placed_by_another_silo_counts_without_consuming_a_reservation()
    {
        var activity = new TrialActivity();
        Assert.True(activity.TryReserve(Trial(0), slots: 3));
        activity.Activated(Trial(7));
        Assert.True(activity.TryReserve(Trial(1), slots: 3));
        Assert.False(activity.TryReserve(Trial(2), slots: 3));
    }
}
