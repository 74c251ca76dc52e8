using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using OrleansHpo.Grains;

namespace OrleansHpo.Silo;

/// <summary>
/// The one place that picks the providers behind clustering, grain state and reminders. Grains only know the
/// storage name <see cref="HpoStorage.Name"/>; another Orleans provider (Azure Table, ADO.NET) is added here,
/// selected by <see cref="HpoClusterOptions.Store"/>, without touching a grain.
/// </summary>
public static class HpoStoreProviders
{
    public static readonly IReadOnlyList<string> Known = ["redis"];

    public static void Validate(HpoClusterOptions options)
    {
        if (!Known.Contains(options.Store, StringComparer.OrdinalIgnoreCase))
        {
            throw new FormatException($"store: '{options.Store}' is not supported; use one of: {string.Join(", ", Known)}");
        }
        _ = RedisConnection.Parse(options.Redis);
    }

    /// <summary>Clustering (membership table), grain storage "hpo" and the reminder table of a silo.</summary>
    public static ISiloBuilder UseHpoStore(this ISiloBuilder silo, HpoClusterOptions options)
    {
        Validate(options);
        // "redis" (Orleans' own Redis providers; run redis-server with appendonly yes, appendfsync always).
        var redis = RedisConnection.Parse(options.Redis);
        silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
        silo.AddRedisGrainStorage(HpoStorage.Name, o => o.ConfigurationOptions = redis.Clone());
        silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
        silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        return silo;
    }

    /// <summary>How a client finds the silos' gateways: the same membership table.</summary>
    public static IClientBuilder UseHpoStore(this IClientBuilder client, string store, string connection)
    {
        if (!Known.Contains(store, StringComparer.OrdinalIgnoreCase))
        {
            throw new FormatException($"store: '{store}' is not supported; use one of: {string.Join(", ", Known)}");
        }
        var redis = RedisConnection.Parse(connection);
        client.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
        // Find new gateways soon after a whole-cluster restart.
        client.Services.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
        return client;
    }
}
