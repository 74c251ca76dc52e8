namespace OrleansHpo.Tests.Redis;

/// <summary>One redis-server for the cluster tests of a class; each test uses its own cluster and service id.</summary>
public sealed class RedisFixture : IDisposable
{
    public RedisServer Server { get; } = new();

    public void Dispose() => Server.Dispose();
}
