using Azure.Storage.Blobs;
using OrleansHpo.Testing;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>
/// A real Azurite (<see cref="AzuriteServer"/>: 127.0.0.1, free ports, in memory) for the blob checkpoint store tests
/// of one collection; killed by its handle when the collection ends.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    private readonly AzuriteServer _server = new();

    public int Port => _server.BlobPort;

    public string ConnectionString => _server.ConnectionString;

    /// <summary>A fresh, uniquely named container client (created lazily by the store).</summary>
    public BlobContainerClient NewContainer() => new(ConnectionString, "t" + Guid.NewGuid().ToString("N")[..20]);

    /// <summary>The checkpoint store configuration string for <paramref name="container"/>.</summary>
    public string StoreLocation(string container) => $"azure-blob:Container={container};{ConnectionString}";

    public void Dispose() => _server.Dispose();
}
