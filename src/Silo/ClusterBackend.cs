namespace OrleansHpo.Silo;

/// <summary>
/// The store a cluster runs on, chosen by one string (<c>hpo run --cluster</c>, <c>hpo silo --cluster</c>,
/// the "Cluster:Backend" setting): <c>redis://[:PASSWORD@]HOST:PORT</c> for Redis, or <c>azure:CONNECTION</c> for
/// Azure Storage, where CONNECTION is a storage connection string, the name of an environment variable holding one, or
/// an account for Entra ID sign-in (<see cref="AzureStorageConnection"/>). See docs/cluster.md.
/// <para>The connection may carry a secret (a password, an account key, a SAS token): <see cref="ToString"/> and
/// <see cref="Redacted"/> never show it, so neither logs nor results nor error messages do.</para>
/// </summary>
public sealed class ClusterBackend
{
    public const string AzurePrefix = "azure:";

    private ClusterBackend(ClusterBackendKind kind, string connection, string redacted)
    {
        Kind = kind;
        Connection = connection;
        Redacted = redacted;
    }

    public ClusterBackendKind Kind { get; }

    /// <summary>The connection without the scheme prefix (for Azure: as given, possibly an environment variable's name). Secret.</summary>
    public string Connection { get; }

    /// <summary>What may be printed: endpoints and account, never a password, key or SAS token.</summary>
    public string Redacted { get; }

    public override string ToString() => Redacted;

    /// <summary>Parses <paramref name="value"/>; a <see cref="FormatException"/> names <paramref name="setting"/> and the fix, never the secret.</summary>
    public static ClusterBackend Parse(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new FormatException($"{setting} is empty; give redis://HOST:PORT or azure:CONNECTION-STRING (or azure:NAME-OF-AN-ENVIRONMENT-VARIABLE)");
        }
        value = value.Trim();
        if (value.StartsWith(AzurePrefix, StringComparison.OrdinalIgnoreCase))
        {
            var connection = value[AzurePrefix.Length..];
            var azure = AzureStorageConnection.Parse(connection, setting);
            return new ClusterBackend(ClusterBackendKind.Azure, connection, AzurePrefix + azure.Description);
        }
        // Anything else is a Redis connection, as before there was a second backend (redis://HOST:PORT or a
        // StackExchange.Redis configuration string).
        try
        {
            return new ClusterBackend(ClusterBackendKind.Redis, value, "redis://" + RedisConnection.Redacted(value));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{setting}: {e.Message} (or azure:CONNECTION-STRING for Azure Storage)", e);
        }
    }

    /// <summary>For messages about a value that did not parse: never more than its scheme-like start (it may hold a key).</summary>
    public static string Shorten(string value)
    {
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0 && value.IndexOfAny(['@', '?']) >= 0)
        {
            return value[..(scheme + 3)] + "...";
        }
        var cut = value.IndexOfAny([';', '=', '@', '?', ',']);
        return cut < 0 ? value : value[..cut] + "...";
    }
}
