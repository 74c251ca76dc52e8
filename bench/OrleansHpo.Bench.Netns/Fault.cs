namespace OrleansHpo.Bench.Netns;

/// <summary>
/// One fault of the schedule: <paramref name="Kind"/> (isolate, cut-redis, cut-oneway, cut-client, delay, loss,
/// rate, kill, pause) on <paramref name="Target"/> (silo index 1..N, or "client"), applied at
/// <paramref name="Applied"/> and healed at <paramref name="Healed"/> (kill: restarted).
/// </summary>
public sealed record Fault(string Kind, string Target, DateTime Applied, DateTime Healed)
{
    /// <summary>Faults after which the silo cannot train for the cluster: its trials must resume elsewhere.</summary>
    public bool CutsSiloOff => Kind is "isolate" or "kill" or "pause";
}
