namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>How a rung decides: asynchronous stopping, asynchronous promotion, or synchronous (fill, then promote the top).</summary>
[GenerateSerializer, Alias("hpo.RungKind")]
public enum RungKind
{
    Stopping = 0,
    Promotion = 1,
    Synchronous = 2,
}
