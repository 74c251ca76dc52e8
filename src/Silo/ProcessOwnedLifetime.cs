using Microsoft.Extensions.Hosting;

namespace OrleansHpo.Silo;

/// <summary>
/// A host lifetime that leaves SIGINT/SIGTERM to the process hosting the silo (the <c>hpo</c> client handles them
/// and stops the host itself), instead of the default console lifetime, which would swallow them.
/// </summary>
public sealed class ProcessOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
