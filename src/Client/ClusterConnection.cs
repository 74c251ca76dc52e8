using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansHpo.Silo;

namespace OrleansHpo.Client;

/// <summary>
/// Connects an Orleans client to running cluster silos through the cluster's membership store
/// (<c>--cluster redis://HOST:PORT</c>). Cluster and service ids default to the silos' defaults ("orleans-hpo");
/// set HPO_CLUSTER_ID / HPO_SERVICE_ID when the silos use others.
/// </summary>
public static class ClusterConnection
{
    public static string ClusterId => Environment.GetEnvironmentVariable("HPO_CLUSTER_ID") ?? "orleans-hpo";
    public static string ServiceId => Environment.GetEnvironmentVariable("HPO_SERVICE_ID") ?? "orleans-hpo";

    public static async Task<GrainHost> ConnectAsync(string cluster, CancellationToken cancellationToken)
    {
        try
        {
            RedisConnection.Parse(cluster);
        }
        catch (FormatException e)
        {
            throw new UserError($"--cluster: {e.Message}");
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton<IHostLifetime, ProcessOwnedLifetime>();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Logging.AddFilter("Orleans", LogLevel.None);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = ServiceId;
            });
            client.UseHpoStore("redis", cluster);
        });
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch (Exception e) when (e is not UserError)
        {
            host.Dispose();
            throw new UserError($"--cluster: no silo of cluster '{ClusterId}' answered through {RedisConnection.Redacted(cluster)} ({e.GetType().Name}: {e.Message}); " +
                "start one with `scripts/local-cluster.sh start 3` or `hpo silo --redis ...`");
        }
        return new GrainHost(host.Services.GetRequiredService<IClusterClient>(), remote: true, async () =>
        {
            try
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await host.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                host.Dispose();
            }
        });
    }
}
