using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using OrleansHpo.Grains;
using OrleansHpo.Grains.Checkpoints;

namespace OrleansHpo.Silo;

/// <summary>
/// The one place that picks the providers behind clustering, grain state, reminders and (on Azure) checkpoints, from
/// the cluster's <see cref="ClusterBackend"/>. Grains only know the storage name <see cref="HpoStorage.Name"/>.
/// <list type="bullet">
/// <item>Redis: Orleans' Redis providers for all three (run redis-server with appendonly yes, appendfsync always);
/// checkpoints in the experiment's results folder (a path the silos share).</item>
/// <item>Azure Storage, one account: Table clustering and reminders; trial state in Table, experiment and rung state in
/// Blob (<see cref="StateRoutedGrainStorage"/>); checkpoints as blobs in container <see cref="CheckpointContainer"/>
/// under the service id (<see cref="AzureBlobCheckpointStore"/>).</item>
/// </list>
/// </summary>
public static class HpoStoreProviders
{
    /// <summary>Azure Table holding trial state.</summary>
    public const string TrialTable = "HpoTrialState";

    /// <summary>Blob container holding experiment and rung state.</summary>
    public const string StateContainer = "hpo-grain-state";

    /// <summary>Blob container holding checkpoints (names: SERVICE-ID/EXPERIMENT/trial-N/...).</summary>
    public const string CheckpointContainer = "hpo-checkpoints";

    private const string TableStorageName = "hpo-azure-table";
    private const string BlobStorageName = "hpo-azure-blob";

    /// <summary>The backend a silo's settings name: "Cluster:Backend" (--cluster) if set, else "Cluster:Redis" (--redis).</summary>
    public static ClusterBackend Backend(HpoClusterOptions options) =>
        !string.IsNullOrWhiteSpace(options.Backend)
            ? ClusterBackend.Parse(options.Backend, "--cluster")
            : ClusterBackend.Parse(options.Redis, "--redis");

    public static void Validate(HpoClusterOptions options) => _ = Backend(options);

    /// <summary>Clustering (membership table), grain storage "hpo", the reminder table and, on Azure, the checkpoint store of a silo.</summary>
    public static ISiloBuilder UseHpoStore(this ISiloBuilder silo, HpoClusterOptions options)
    {
        var backend = Backend(options);
        silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        if (backend.Kind == ClusterBackendKind.Redis)
        {
            var redis = RedisConnection.Parse(backend.Connection);
            silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
            silo.AddRedisGrainStorage(HpoStorage.Name, o => o.ConfigurationOptions = redis.Clone());
            silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
            return silo;
        }
        var azure = AzureStorageConnection.Parse(backend.Connection, "--cluster");
        silo.UseAzureStorageClustering(o => o.TableServiceClient = azure.Tables());
        silo.UseAzureTableReminderService(o => o.TableServiceClient = azure.Tables());
        silo.AddAzureTableGrainStorage(TableStorageName, o =>
        {
            o.TableServiceClient = azure.Tables();
            o.TableName = TrialTable;
            o.DeleteStateOnClear = true;
        });
        silo.AddAzureBlobGrainStorage(BlobStorageName, o =>
        {
            o.BlobServiceClient = azure.Blobs();
            o.ContainerName = StateContainer;
            o.DeleteStateOnClear = true;
        });
        silo.Services.AddGrainStorage(HpoStorage.Name, (sp, _) => new StateRoutedGrainStorage(
            sp.GetRequiredKeyedService<IGrainStorage>(TableStorageName),
            sp.GetRequiredKeyedService<IGrainStorage>(BlobStorageName)));
        // Registered after AddOrleansHpo's store: the last registration is the one grains get.
        var checkpoints = new AzureBlobCheckpointStore(azure.Blobs().GetBlobContainerClient(CheckpointContainer), prefix: options.ServiceId);
        silo.Services.AddSingleton<ICheckpointStore>(checkpoints);
        return silo;
    }

    /// <summary>How a client finds the silos' gateways: the same membership table.</summary>
    public static IClientBuilder UseHpoStore(this IClientBuilder client, ClusterBackend backend)
    {
        if (backend.Kind == ClusterBackendKind.Redis)
        {
            var redis = RedisConnection.Parse(backend.Connection);
            client.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
        }
        else
        {
            var azure = AzureStorageConnection.Parse(backend.Connection, "--cluster");
            client.UseAzureStorageClustering(o => o.TableServiceClient = azure.Tables());
        }
        // Find new gateways soon after a whole-cluster restart.
        client.Services.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
        return client;
    }
}
