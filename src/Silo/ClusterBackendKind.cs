namespace OrleansHpo.Silo;

/// <summary>Which Orleans providers back clustering, grain state and reminders (see <see cref="HpoStoreProviders"/>).</summary>
public enum ClusterBackendKind
{
    Redis,
    Azure,
}
