using Microsoft.Extensions.DependencyInjection;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Tests.Cluster;

/// <summary>Trial grains go only to silos that advertise worker slots in their silo metadata.</summary>
public sealed class PlacementTests
{
    [Fact]
    public async Task No_trial_activates_on_a_silo_without_worker_slots()
    {
        // Silo 0 (the primary, which also hosts the gateway the client calls) advertises 0 slots.
        await using var cluster = await HpoTestCluster.StartAsync(silos: 3, slotsOf: index => index == 0 ? 0 : 2);
        var status = await cluster.RunAsync(Specs.Synthetic("placement", Specs.AshaPromotion, workers: 4, trials: 24, tag: 301));
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        var trials = await cluster.TrialsAsync("placement", status.Started);

        var silos = cluster.Cluster.Silos.Select(s => (
            Address: s.SiloAddress.ToString(),
            Slots: s.ServiceProvider.GetRequiredService<WorkerOptions>().Slots,
            Activations: s.ServiceProvider.GetRequiredService<TrialActivity>().Activations)).ToList();
        var empty = Assert.Single(silos, s => s.Slots == 0);
        Assert.Equal(0, empty.Activations);
        Assert.True(silos.Where(s => s.Slots > 0).Sum(s => s.Activations) >= status.Started, string.Join("; ", silos));
        // GetSnapshot above activated the trials again: through the same director, never on the silo without slots.
        Assert.DoesNotContain(trials, t => t.Silo == empty.Address);
    }
}
