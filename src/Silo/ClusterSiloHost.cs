using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using Orleans.Configuration;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Silo.Slurm;

namespace OrleansHpo.Silo;

/// <summary>
/// A silo of a multi-machine cluster: Redis or Azure Storage (<see cref="HpoStoreProviders"/>) for membership, grain
/// state and reminders; worker slots for training; graceful drain on SIGTERM and at a time limit. Used by the
/// OrleansHpo.Silo program and by <c>hpo silo</c>.
/// Configuration, later wins: appsettings.json (working folder, then --config FILE), HPO_Cluster__KEY environment
/// variables, command line switches (<see cref="Switches"/>) or <c>--Cluster:KEY=VALUE</c>.
/// </summary>
public static class ClusterSiloHost
{
    /// <summary>Command line switches and the configuration keys they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--cluster-id"] = "Cluster:ClusterId",
        ["--service-id"] = "Cluster:ServiceId",
        ["--silo-port"] = "Cluster:SiloPort",
        ["--gateway-port"] = "Cluster:GatewayPort",
        ["--address"] = "Cluster:AdvertisedAddress",
        ["--cluster"] = "Cluster:Backend",
        ["--redis"] = "Cluster:Redis",
        ["--name"] = "Cluster:Name",
        ["--slots"] = "Cluster:WorkerSlots",
        ["--device"] = "Cluster:Device",
        ["--intra-op-threads"] = "Cluster:IntraOpThreads",
        ["--cancel-grace"] = "Cluster:CancelGraceSeconds",
        ["--trainables"] = "Cluster:Trainables",
        ["--time-limit"] = "Cluster:TimeLimit",
        ["--time-limit-leeway"] = "Cluster:TimeLimitLeeway",
        ["--dashboard"] = "Cluster:Dashboard",
        ["--dashboard-port"] = "Cluster:DashboardPort",
        ["--metrics"] = "Cluster:Metrics",
        ["--metrics-interval"] = "Cluster:MetricsInterval",
        ["--fast-failure-detection"] = "Cluster:FastFailureDetection",
        ["--reconcile-interval"] = "Cluster:ReconcileInterval",
        ["--reminder-period"] = "Cluster:ReminderPeriod",
        ["--log-level"] = "Cluster:LogLevel",
        ["--slurm"] = "Cluster:Slurm",
        ["--slurm-min-margin"] = "Cluster:SlurmMinMargin",
    };

    private static readonly HashSet<string> Flags = ["--dashboard", "--fast-failure-detection"];

    public const string Usage = """
        usage: hpo silo [--cluster redis://[:PASSWORD@]HOST:PORT | --cluster azure:CONNECTION-STRING|ENV-VARIABLE]
                        [--redis redis://[:PASSWORD@]HOST:PORT] [--cluster-id ID] [--service-id ID]
                        [--silo-port N] [--gateway-port N] [--address IP] [--slots N] [--device cpu|cuda[:N]]
                        [--time-limit HH:MM:SS] [--time-limit-leeway HH:MM:SS] [--dashboard] [--dashboard-port N]
                        [--metrics none|console] [--fast-failure-detection] [--trainables A.dll,B.dll]
                        [--reconcile-interval HH:MM:SS] [--reminder-period HH:MM:SS] [--log-level LEVEL]
                        [--slurm auto|off] [--slurm-min-margin HH:MM:SS]
                        [--config appsettings.json]
        Settings also come from appsettings.json ("Cluster" section) and HPO_Cluster__KEY variables.
        """;

    /// <summary>How long one start-up check of the Azure Storage account may take (a slow store is asked again, up to 6 times the limit, before exit code 2).</summary>
    public static readonly TimeSpan StoreCheckTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Logged once the silo has joined its cluster and every hosted service has started.</summary>
    public const string ActiveLine = "active in cluster";

    /// <summary>Run a silo until SIGTERM / Ctrl+C or its time limit. Exit code 2 for bad settings.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken cancellationToken = default)
    {
        HpoClusterOptions options;
        IConfiguration configuration;
        ClusterBackend backend;
        try
        {
            (options, configuration) = Configure(args);
            backend = HpoStoreProviders.Backend(options);
        }
        catch (FormatException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            await error.WriteLineAsync(Usage);
            return 2;
        }
        if (backend.Kind == ClusterBackendKind.Azure)
        {
            // Orleans retries an unreachable membership table for minutes; a wrong key or endpoint should end the
            // silo within seconds, naming the setting.
            try
            {
                await AzureStorageConnection.Parse(backend.Connection, "--cluster").CheckReachableAsync(StoreCheckTimeout, cancellationToken);
            }
            catch (FormatException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return 2;
            }
        }
        using var host = Build(options, configuration);
        // The gateway opens before the silo has joined the cluster; this line says it has (scripts and tests wait for it).
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansHpo.Silo");
        lifetime.ApplicationStarted.Register(() => logger.LogInformation(
            "Silo {Name} " + ActiveLine + " {ClusterId}: silo port {SiloPort}, gateway port {GatewayPort}, store {Backend}",
            options.Name ?? Environment.MachineName, options.ClusterId, options.SiloPort, options.GatewayPort, backend.Redacted));
        var slurm = host.Services.GetRequiredService<SlurmJobContext>();
        await host.RunAsync(cancellationToken);
        // A SLURM job that reached its time limit exits 75 so that its batch script requeues it (deploy/slurm/).
        return slurm.ReachedTimeLimit ? SlurmJobContext.RequeueExitCode : 0;
    }

    /// <summary>Reads and validates the settings; a <see cref="FormatException"/> names the bad one and the fix.</summary>
    public static (HpoClusterOptions Options, IConfiguration Configuration) Configure(string[] args)
    {
        var normalized = new List<string>();
        string? configFile = null;
        for (int i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (name == "--config")
            {
                configFile = arg.Contains('=') ? arg.Split('=', 2)[1] : i + 1 < args.Length ? args[++i] : throw new FormatException("--config needs a file path");
                continue;
            }
            if (!Switches.ContainsKey(name) && !name.StartsWith("--Cluster:", StringComparison.Ordinal))
            {
                throw new FormatException($"unknown option '{arg}'");
            }
            normalized.Add(arg);
            if (Flags.Contains(name) && !arg.Contains('=') && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
            {
                normalized.Add("true");
            }
            else if (!arg.Contains('=') && i + 1 < args.Length && !Flags.Contains(name))
            {
                normalized.Add(args[++i]);
            }
            else if (!arg.Contains('=') && !Flags.Contains(name))
            {
                throw new FormatException($"{name} needs a value");
            }
        }
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new FormatException($"--config: no file at {Path.GetFullPath(configFile)}");
            }
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        var configuration = builder
            .AddEnvironmentVariables("HPO_")
            .AddCommandLine([.. normalized], Switches.ToDictionary(kv => kv.Key, kv => kv.Value))
            .Build();
        var options = new HpoClusterOptions();
        try
        {
            configuration.GetSection("Cluster").Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"a setting has a bad value: {e.InnerException?.Message ?? e.Message} (durations are HH:MM:SS, ports and slots integers, flags true/false)", e);
        }
        Validate(options);
        SlurmSettings.Apply(options, configuration, options.Slurm == "auto" ? SlurmJob.FromEnvironment() : null);
        return (options, configuration);
    }

    private static void Validate(HpoClusterOptions o)
    {
        HpoStoreProviders.Validate(o);
        foreach (var (name, port) in new[] { ("--silo-port", o.SiloPort), ("--gateway-port", o.GatewayPort), ("--dashboard-port", o.DashboardPort) })
        {
            if (port is < 1 or > 65535)
            {
                throw new FormatException($"{name}: {port} is not a TCP port (1-65535)");
            }
        }
        if (o.SiloPort == o.GatewayPort)
        {
            throw new FormatException($"--silo-port and --gateway-port are both {o.SiloPort}; give each its own port");
        }
        if (o.WorkerSlots < 1)
        {
            throw new FormatException($"--slots: {o.WorkerSlots}; a silo needs at least 1 worker slot");
        }
        if (o.TimeLimit is { } limit && limit <= TimeSpan.Zero)
        {
            throw new FormatException("--time-limit must be positive, e.g. 00:30:00");
        }
        if (o.TimeLimitLeeway < TimeSpan.Zero)
        {
            throw new FormatException("--time-limit-leeway must not be negative");
        }
        if (o.Slurm is not ("auto" or "off"))
        {
            throw new FormatException($"--slurm: '{o.Slurm}'; use auto (read the SLURM job when SLURM_JOB_ID is set) or off");
        }
        if (o.SlurmMinMargin < TimeSpan.Zero)
        {
            throw new FormatException("--slurm-min-margin must not be negative, e.g. 00:01:00");
        }
        if (o.Metrics is not ("none" or "console"))
        {
            throw new FormatException($"--metrics: '{o.Metrics}'; use none or console");
        }
        if (!Enum.TryParse<LogLevel>(o.LogLevel, ignoreCase: true, out _))
        {
            throw new FormatException($"--log-level: '{o.LogLevel}'; use Trace, Debug, Information, Warning or Error");
        }
        if (o.ReminderPeriod < TimeSpan.FromSeconds(1) || o.ReconcileInterval <= TimeSpan.Zero)
        {
            throw new FormatException("--reminder-period must be at least 00:00:01 and --reconcile-interval positive");
        }
        _ = Address(o.AdvertisedAddress);
    }

    private static IPAddress Address(string address)
    {
        if (IPAddress.TryParse(address, out var ip))
        {
            return ip;
        }
        try
        {
            return Dns.GetHostAddresses(address).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new FormatException($"--address: cannot resolve '{address}' to an IPv4 address; give an IP such as 127.0.0.1", e);
        }
    }

    /// <summary>The silo's host (not started).</summary>
    public static IHost Build(HpoClusterOptions options, IConfiguration configuration)
    {
        // With the dashboard the silo is also a (slim) ASP.NET Core app: Orleans Dashboard 10 is served by Kestrel
        // through MapOrleansDashboard (its package docs); without it a plain generic host, no HTTP listener at all.
        IHostApplicationBuilder builder = options.Dashboard
            ? WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        var level = Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.SetMinimumLevel(level);
        builder.Logging.AddFilter("Orleans", level <= LogLevel.Information ? LogLevel.Warning : LogLevel.Error);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("OrleansHpo", level); // "Orleans" above is a prefix of our categories too
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // Orleans stops after the drain: leave room for both.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.TimeLimitLeeway + TimeSpan.FromSeconds(60));
        builder.Services.AddSingleton(options);
        builder.UseOrleans(silo =>
        {
            ConfigureSilo(silo, options);
            if (options.Dashboard)
            {
                silo.AddDashboard();
            }
        });
        builder.Services.AddSingleton(new SlurmJobContext(options.Slurm == "auto" ? SlurmJob.FromEnvironment() : null,
            DrainMarginPolicy.Default with { MinMargin = options.SlurmMinMargin }));
        builder.Services.AddHostedService<TrainingDrainService>();
        builder.Services.AddHostedService<ClusterStoreWatch>();
        if (options.Metrics == "console")
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(HpoMetrics.MeterName)
                .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.MetricsInterval.TotalMilliseconds));
        }
        if (builder is WebApplicationBuilder web)
        {
            // Loopback only: the dashboard has no authentication; reach it from elsewhere through an SSH tunnel.
            web.WebHost.UseUrls($"http://127.0.0.1:{options.DashboardPort}");
            var app = web.Build();
            app.MapOrleansDashboard();
            return app;
        }
        return ((HostApplicationBuilder)builder).Build();
    }

    private static void ConfigureSilo(ISiloBuilder silo, HpoClusterOptions options)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        silo.ConfigureEndpoints(Address(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
        silo.Configure<SiloOptions>(o => o.SiloName = options.Name ?? $"{Environment.MachineName}-{options.SiloPort}");
        silo.AddOrleansHpo(new HpoSiloOptions
        {
            StateDirectory = null,
            WorkerSlots = options.WorkerSlots,
            Device = options.Device,
            IntraOpThreads = options.IntraOpThreads,
            CancelGraceSeconds = options.CancelGraceSeconds,
            Trainables = options.Trainables is { } t ? [.. t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [],
        });
        silo.UseHpoStore(options); // after AddOrleansHpo: on Azure it replaces the checkpoint store
        silo.Services.AddSingleton(new RecoveryOptions
        {
            Enabled = true,
            ReconcileInterval = options.ReconcileInterval,
            ReminderPeriod = options.ReminderPeriod,
        });
        if (options.FastFailureDetection)
        {
            // Loopback / LAN: a killed silo refuses connections at once, so short probes declare it dead in a few
            // seconds (defaults: 5 s probes, 3 misses, ~30-60 s). Orleans' membership docs explain the knobs.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);
            });
        }
    }

}
