using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains;
using OrleansHpo.Grains.Checkpoints;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Placement;
using OrleansHpo.Grains.Storage;

namespace OrleansHpo.Silo;

/// <summary>Adds OrleansHpo's grains' services to a silo: trainables, worker slots, checkpoint store, grain storage.</summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder AddOrleansHpo(this ISiloBuilder builder, HpoSiloOptions options)
    {
        var services = builder.Services;
        var factories = TrainablePlugins.BuiltIn()
            .Concat(TrainablePlugins.Load(TrainablePlugins.Shipped().Concat(options.Trainables).Distinct()))
            .Concat(options.AdditionalTrainables)
            .ToList();
        services.AddSingleton(new TrainableRegistry(factories));
        foreach (var provider in TrainablePlugins.LoadSearcherProviders(options.Trainables).Concat(options.AdditionalSearcherProviders))
        {
            services.AddSingleton(provider); // resolved by the experiment grain as IEnumerable<ISearcherProvider>
        }
        var workerOptions = new WorkerOptions
        {
            Slots = options.WorkerSlots,
            Device = options.Device,
            IntraOpThreads = options.IntraOpThreads,
        };
        services.AddSingleton(workerOptions);
        services.AddSingleton<WorkerPool>();
        services.AddSingleton<TrialActivity>();
        services.AddSingleton(CheckpointStoreFactory.Create(options.CheckpointStore));
        // Trial grains go only to silos that advertise worker slots (silo metadata, read by the placement director).
        builder.UseSiloMetadata(WorkerSlotMetadata.For(options.WorkerSlots, options.Device));
        builder.AddPlacementDirector<WorkerSlotPlacementStrategy, WorkerSlotPlacementDirector>();
        if (options.StateDirectory is { } stateDirectory)
        {
            Directory.CreateDirectory(stateDirectory);
            services.AddGrainStorage(HpoStorage.Name, (sp, _) =>
                new FileGrainStorage(stateDirectory, sp.GetRequiredService<Serializer>(), options.FsyncState));
        }
        return builder;
    }
}
