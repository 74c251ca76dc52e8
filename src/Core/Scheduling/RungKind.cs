namespace OrleansHpo.Core.Scheduling;

/// <summary>How a rung decides: asynchronous stopping, asynchronous promotion, or synchronous (fill, then promote the top).</summary>
public enum RungKind
{
    Stopping = 0,
    Promotion = 1,
    Synchronous = 2,
}
