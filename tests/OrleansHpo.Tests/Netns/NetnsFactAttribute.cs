using OrleansHpo.Bench.Netns;

namespace OrleansHpo.Tests.Netns;

/// <summary>A test that needs Linux network namespaces (root): skipped with the reason where they cannot be made.</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        if (NetnsCluster.CannotCreate() is { } reason)
        {
            Skip = reason;
        }
    }
}
