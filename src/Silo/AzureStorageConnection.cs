using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace OrleansHpo.Silo;

/// <summary>
/// One Azure Storage account for a whole cluster: Table service for membership, trial state and reminders, Blob
/// service for experiment and rung state and for checkpoints (docs/cluster.md, "Azure Storage"). Accepted forms:
/// <list type="bullet">
/// <item>a storage connection string: <c>DefaultEndpointsProtocol=https;AccountName=A;AccountKey=K;EndpointSuffix=core.windows.net</c>,
/// <c>BlobEndpoint=https://A.blob.core.windows.net;TableEndpoint=https://A.table.core.windows.net;SharedAccessSignature=sv=...</c>
/// (an account SAS), or <c>UseDevelopmentStorage=true</c> (Azurite on its default ports);</item>
/// <item>the name of an environment variable holding one (<c>AZURE_STORAGE_CONNECTION_STRING</c>), which keeps the key
/// out of command lines and configuration files;</item>
/// <item><c>AccountName=A</c> (optionally <c>BlobEndpoint=...;TableEndpoint=...</c>, <c>ManagedIdentityClientId=ID</c>)
/// without a key or SAS: signed in with Entra ID through Azure.Identity's DefaultAzureCredential (a VM's managed
/// identity, workload identity, or a developer's az login).</item>
/// </list>
/// </summary>
public sealed partial class AzureStorageConnection
{
    private static readonly string[] SecretKeys = ["AccountKey", "SharedAccessSignature"];
    private readonly string? _connectionString;
    private readonly Uri? _blobEndpoint;
    private readonly Uri? _tableEndpoint;
    private readonly TokenCredential? _credential;

    private AzureStorageConnection(string setting, string description, string? connectionString, Uri? blob, Uri? table, TokenCredential? credential)
    {
        Setting = setting;
        Description = description;
        _connectionString = connectionString;
        _blobEndpoint = blob;
        _tableEndpoint = table;
        _credential = credential;
    }

    /// <summary>The setting it came from, for messages.</summary>
    public string Setting { get; }

    /// <summary>Printable: account, endpoints and how it signs in; never a key or SAS token.</summary>
    public string Description { get; }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

    /// <summary>Parses <paramref name="value"/>; a <see cref="FormatException"/> names <paramref name="setting"/> and the fix, never the secret.</summary>
    public static AzureStorageConnection Parse(string value, string setting)
    {
        var usage = $"give {setting} azure:CONNECTION-STRING, azure:NAME-OF-AN-ENVIRONMENT-VARIABLE or azure:AccountName=NAME (managed identity); see docs/cluster.md";
        value = value.Trim();
        var source = "";
        if (VariableName().IsMatch(value))
        {
            var variable = value;
            value = Environment.GetEnvironmentVariable(variable)?.Trim() ?? "";
            if (value.Length == 0)
            {
                throw new FormatException($"{setting}: the environment variable {variable} is not set (or empty); export it with the storage connection string, or {usage}");
            }
            source = $" (from ${variable})";
        }
        if (value.Length == 0)
        {
            throw new FormatException($"{setting}: the Azure Storage connection is empty; {usage}");
        }
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"{setting}: '{ClusterBackend.Shorten(part)}' is not KEY=VALUE; an Azure Storage connection string is KEY=VALUE pairs separated by ';' ({usage})");
            }
            parts[part[..eq]] = part[(eq + 1)..];
        }
        var description = string.Join(";", parts
            .Where(kv => !kv.Key.Equals("ManagedIdentityClientId", StringComparison.OrdinalIgnoreCase))
            .Select(kv => SecretKeys.Contains(kv.Key, StringComparer.OrdinalIgnoreCase) ? $"{kv.Key}=***" : $"{kv.Key}={kv.Value}")) + source;
        bool hasSecret = parts.Keys.Any(k => SecretKeys.Contains(k, StringComparer.OrdinalIgnoreCase))
            || parts.TryGetValue("UseDevelopmentStorage", out var dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase);
        AzureStorageConnection connection;
        if (hasSecret)
        {
            connection = new AzureStorageConnection(setting, description, value, null, null, null);
        }
        else
        {
            // No key, no SAS: Entra ID. Endpoints from the account name unless given.
            parts.TryGetValue("AccountName", out var account);
            parts.TryGetValue("EndpointSuffix", out var suffix);
            suffix ??= "core.windows.net";
            Uri? Endpoint(string key, string service)
            {
                if (parts.TryGetValue(key, out var given))
                {
                    return Uri.TryCreate(given, UriKind.Absolute, out var uri) ? uri
                        : throw new FormatException($"{setting}: {key} '{ClusterBackend.Shorten(given)}' is not a URL ({usage})");
                }
                return account is null ? null : new Uri($"https://{account}.{service}.{suffix}");
            }
            var blob = Endpoint("BlobEndpoint", "blob");
            var table = Endpoint("TableEndpoint", "table");
            if (blob is null || table is null)
            {
                throw new FormatException($"{setting}: the Azure Storage connection has no AccountKey, SharedAccessSignature or AccountName (nor BlobEndpoint and TableEndpoint); {usage}");
            }
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = parts.GetValueOrDefault("ManagedIdentityClientId"),
            });
            connection = new AzureStorageConnection(setting, description + " (Entra ID: DefaultAzureCredential)", null, blob, table, credential);
        }
        // Let the SDK validate the connection string now: a bad one fails at start-up, not at the first write.
        _ = connection.Tables();
        _ = connection.Blobs();
        return connection;
    }

    /// <summary>A Table service client (membership, trial state, reminders).</summary>
    public TableServiceClient Tables(TableClientOptions? options = null)
    {
        options ??= DefaultOptions(new TableClientOptions());
        try
        {
            return _connectionString is not null
                ? new TableServiceClient(_connectionString, options)
                : new TableServiceClient(_tableEndpoint!, _credential!, options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            throw new FormatException($"{Setting}: not a valid Azure Storage connection for the Table service ({e.GetType().Name}); check the connection string (see docs/cluster.md)", e);
        }
    }

    /// <summary>A Blob service client (experiment and rung state, checkpoints).</summary>
    public BlobServiceClient Blobs(BlobClientOptions? options = null)
    {
        options ??= DefaultOptions(new BlobClientOptions());
        try
        {
            return _connectionString is not null
                ? new BlobServiceClient(_connectionString, options)
                : new BlobServiceClient(_blobEndpoint!, _credential!, options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            throw new FormatException($"{Setting}: not a valid Azure Storage connection for the Blob service ({e.GetType().Name}); check the connection string (see docs/cluster.md)", e);
        }
    }

    /// <summary>
    /// Fails fast when the account is unreachable or refuses the credentials: one Table query and one container
    /// listing, without the SDK's long retries. Refused connections, unknown hosts and 401/403 fail at once; a store
    /// that accepts the connection but is slow to answer (a loaded emulator, a throttled account) is asked again, each
    /// try limited to <paramref name="timeout"/>, until <paramref name="timeout"/> x 6 has passed. The message names the
    /// setting, not the key.
    /// </summary>
    public async Task CheckReachableAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout * 6;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await CheckOnceAsync(timeout, cancellationToken);
                return;
            }
            catch (SlowStoreException e) when (DateTime.UtcNow + timeout < deadline)
            {
                _ = e; // answered too slowly: ask again while the overall limit allows
            }
            catch (SlowStoreException e)
            {
                throw new FormatException($"{Setting}: the {e.Service} service of {Description} did not answer in {attempt} tries of {timeout.TotalSeconds:F0} s; is the storage account (or Azurite) running and the endpoint right?");
            }
        }
    }

    private sealed class SlowStoreException(string service) : Exception(service)
    {
        public string Service { get; } = service;
    }

    private async Task CheckOnceAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        string service = "Table";
        try
        {
            var tables = Tables(FastOptions(new TableClientOptions(), timeout));
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: cts.Token).AsPages(pageSizeHint: 1).WithCancellation(cts.Token))
            {
                break;
            }
            service = "Blob";
            var blobs = Blobs(FastOptions(new BlobClientOptions(), timeout));
            await foreach (var _ in blobs.GetBlobContainersAsync(cancellationToken: cts.Token).AsPages(pageSizeHint: 1).WithCancellation(cts.Token))
            {
                break;
            }
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403)
        {
            throw new FormatException($"{Setting}: the {service} service of {Description} refused the credentials ({e.Status} {e.ErrorCode}); check the account key, SAS token or identity's role");
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or AuthenticationFailedException or AggregateException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            if (e is OperationCanceledException || IsTimeout(e))
            {
                throw new SlowStoreException(service);
            }
            throw new FormatException($"{Setting}: cannot reach the {service} service of {Description} ({e.GetType().Name}: {FirstLine(e.Message)}); is the storage account (or Azurite) running and the endpoint right?");
        }
    }

    private static bool IsTimeout(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is TimeoutException or TaskCanceledException)
            {
                return true;
            }
        }
        return false;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static T DefaultOptions<T>(T options) where T : ClientOptions
    {
        // Loopback or a datacenter: an answer takes milliseconds; do not wait 100 s (the SDK default) on a dead socket.
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        options.Retry.MaxRetries = 5;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        return options;
    }

    private static T FastOptions<T>(T options, TimeSpan timeout) where T : ClientOptions
    {
        options.Retry.NetworkTimeout = timeout;
        options.Retry.MaxRetries = 0;
        return options;
    }
}
