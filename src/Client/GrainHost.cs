namespace OrleansHpo.Client;

/// <summary>Where the client's grain calls go: an embedded silo in this process, or a cluster client.</summary>
public sealed class GrainHost(IGrainFactory grainFactory, bool remote, Func<ValueTask> dispose, IServiceProvider? siloServices = null) : IAsyncDisposable
{
    private int _disposed;

    public IGrainFactory GrainFactory { get; } = grainFactory;

    /// <summary>True when the experiment runs on a cluster and outlives this process.</summary>
    public bool Remote { get; } = remote;

    /// <summary>The embedded silo's services (its worker pool and drain switch); null for a cluster client.</summary>
    public IServiceProvider? SiloServices { get; } = siloServices;

    /// <summary>Stops the silo or the cluster client; later calls do nothing.</summary>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? dispose() : ValueTask.CompletedTask;
}
