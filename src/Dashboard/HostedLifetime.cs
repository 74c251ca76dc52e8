using Microsoft.Extensions.Hosting;

namespace OrleansHpo.Dashboard;

/// <summary>
/// The dashboard's host lifetime: none of its own. The default console lifetime would take SIGINT/SIGTERM for the web
/// host alone, so Ctrl+C would neither stop <c>hpo dashboard</c> nor reach the run of <c>hpo run --dashboard</c>; the
/// process that starts the server owns the signals and disposes the server.
/// </summary>
internal sealed class HostedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
