using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansHpo.Dashboard;

/// <summary>
/// The experiment dashboard: an ASP.NET Core server (minimal APIs) with three pages (experiments, experiment, trial),
/// a JSON API, server-sent events for live updates and a graceful stop action. Charts are Apache ECharts, served from
/// this assembly. See docs/dashboard.md.
/// </summary>
public sealed partial class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _poller;

    private DashboardServer(WebApplication app, FeedRegistry registry, string url, string? token)
    {
        _app = app;
        Registry = registry;
        Url = url;
        Token = token;
        _poller = Task.Run(() => registry.RunAsync(_stopping.Token));
    }

    /// <summary>The address to open (with <c>?token=</c> when a token is needed).</summary>
    public string Url { get; }

    /// <summary>The token every request needs, or null (loopback without a token).</summary>
    public string? Token { get; }

    /// <summary>The experiments this server follows.</summary>
    public FeedRegistry Registry { get; }

    /// <summary>A fresh random token (URL-safe).</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    /// <summary>Starts listening; throws <see cref="ArgumentException"/> for a non-loopback bind without a token and
    /// <see cref="IOException"/> when the port is taken.</summary>
    public static async Task<DashboardServer> StartAsync(DashboardOptions options, IExperimentControl control, ILoggerProvider? logs = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(control);
        if (!options.IsLoopback && string.IsNullOrEmpty(options.Token))
        {
            throw new ArgumentException($"--bind {options.Bind}: a dashboard reachable beyond loopback needs a token (--token, or let hpo dashboard generate one)");
        }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Bind, options.Port));
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, HostedLifetime>();
        builder.Services.AddResponseCompression(o =>
        {
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["application/json", "text/javascript", "text/css", "text/html"];
        });
        builder.Services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        var app = builder.Build();
        var registry = new FeedRegistry(options.ResultsDir, options.PollInterval);
        var guard = new AccessGuard(options.Token, options.IsLoopback);
        app.Use((context, next) => guard.InvokeAsync(context, next));
        app.UseResponseCompression();
        Routes.Map(app, registry, control, guard, options);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new IOException($"cannot listen on {options.Bind}:{options.Port} ({e.Message}); choose another --port (0 picks a free one)", e);
        }
        var address = app.Urls.First();
        var port = new Uri(address).Port;
        var host = options.Bind.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{options.Bind}]" : options.Bind.ToString();
        if (options.Bind.Equals(IPAddress.Any) || options.Bind.Equals(IPAddress.IPv6Any))
        {
            host = Dns.GetHostName();
        }
        var url = $"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}/" + (options.Token is { } t ? "?token=" + Uri.EscapeDataString(t) : "");
        return new DashboardServer(app, registry, url, options.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync();
        await _poller;
        _stopping.Dispose();
    }

    /// <summary>The embedded file wwwroot/<paramref name="name"/>, or null.</summary>
    internal static byte[]? Asset(string name)
    {
        if (!AssetName().IsMatch(name))
        {
            return null;
        }
        // HPO_DASHBOARD_WWWROOT: serve the pages from a folder (src/Dashboard/wwwroot) while editing them.
        if (Environment.GetEnvironmentVariable("HPO_DASHBOARD_WWWROOT") is { Length: > 0 } folder && File.Exists(Path.Combine(folder, name)))
        {
            return File.ReadAllBytes(Path.Combine(folder, name));
        }
        using var stream = typeof(DashboardServer).Assembly.GetManifestResourceStream("wwwroot/" + name);
        if (stream is null)
        {
            return null;
        }
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    [GeneratedRegex(@"^(lib/)?[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex AssetName();
}
