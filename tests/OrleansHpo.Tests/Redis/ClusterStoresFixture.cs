using OrleansHpo.Testing;

namespace OrleansHpo.Tests.Redis;

/// <summary>
/// The stores the process-level cluster tests of a class run on, each started on first use (a redis-server, an
/// Azurite) and shared by the class's tests; each test uses its own cluster and service id.
/// </summary>
public sealed class ClusterStoresFixture : IDisposable
{
    private readonly Dictionary<string, ClusterStoreServer> _servers = [];

    /// <summary>xUnit theory data: one row per backend.</summary>
    public static TheoryData<string> Backends => [.. ClusterStoreServer.Backends];

    public ClusterStoreServer Get(string backend)
    {
        lock (_servers)
        {
            if (!_servers.TryGetValue(backend, out var server))
            {
                _servers[backend] = server = ClusterStoreServer.Start(backend);
            }
            return server;
        }
    }

    public void Dispose()
    {
        foreach (var server in _servers.Values)
        {
            server.Dispose();
        }
    }
}
