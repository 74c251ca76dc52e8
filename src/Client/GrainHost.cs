namespace OrleansHpo.Client;

/// <summary>Where the client's grain calls go: an embedded silo in this process, or a cluster client.</summary>
public sealed class GrainHost(IGrainFactory grainFactory, bool remote, Func<ValueTask> dispose) : IAsyncDisposable
{
    public IGrainFactory GrainFactory { get; } = grainFactory;

    /// <summary>True when the experiment runs on a cluster and outlives this process.</summary>
    public bool Remote { get; } = remote;

    public ValueTask DisposeAsync() => dispose();
}
