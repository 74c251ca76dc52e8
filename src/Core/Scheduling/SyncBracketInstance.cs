namespace OrleansHpo.Core.Scheduling;

/// <summary>One instance of a synchronous bracket: how many new trials it started and promotions per rung.</summary>
public sealed class SyncBracketInstance
{
    public int Instance { get; set; }
    public int BracketIndex { get; set; }
    public int NewStarted { get; set; }
    public int[] Promoted { get; set; } = [];
}
