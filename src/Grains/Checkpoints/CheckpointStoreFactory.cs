using Azure.Storage.Blobs;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// Picks the checkpoint store from one configuration string, so grains only ever see <see cref="ICheckpointStore"/>:
/// <list type="bullet">
/// <item>empty: a local directory, each experiment's <c>DIR/NAME/checkpoints</c> (the default);</item>
/// <item>a directory path (or <c>file:PATH</c>): a local or shared directory, <c>PATH/NAME/trial-N/...</c>;</item>
/// <item><c>azure-blob:Container=C;Prefix=P;CONNECTION-STRING</c>: Azure Blob Storage, container C, names under P
/// (optional); the rest is an ordinary storage connection string (<c>UseDevelopmentStorage=true</c>,
/// <c>DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...;BlobEndpoint=...</c>); without one, the
/// <c>AZURE_STORAGE_CONNECTION_STRING</c> environment variable is used;</item>
/// <item><c>azure-blob:https://ACCOUNT.blob.core.windows.net/CONTAINER?SAS</c>: a container URL with a SAS token.</item>
/// </list>
/// </summary>
public static class CheckpointStoreFactory
{
    public const string BlobScheme = "azure-blob:";
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>The store <paramref name="location"/> names.</summary>
    /// <exception cref="ArgumentException">The location is malformed; the message names the problem and the fix.</exception>
    public static ICheckpointStore Create(string? location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            return new LocalDirectoryCheckpointStore();
        }
        location = location.Trim();
        if (location.StartsWith(BlobScheme, StringComparison.OrdinalIgnoreCase))
        {
            return CreateBlob(location[BlobScheme.Length..]);
        }
        if (location.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            location = location.StartsWith("file://", StringComparison.OrdinalIgnoreCase)
                ? new Uri(location).LocalPath
                : location["file:".Length..];
        }
        if (location.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"checkpoint store '{location}' is neither a directory nor an Azure Blob location; use a directory path, or 'azure-blob:Container=NAME;CONNECTION-STRING'");
        }
        return new LocalDirectoryCheckpointStore(location);
    }

    private static AzureBlobCheckpointStore CreateBlob(string rest)
    {
        const string usage = "use 'azure-blob:Container=NAME;[Prefix=PATH;]CONNECTION-STRING' or 'azure-blob:https://ACCOUNT.blob.core.windows.net/CONTAINER?SAS'";
        if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(rest, UriKind.Absolute, out var uri))
            {
                throw new ArgumentException($"checkpoint store container URL '{rest}' is not a valid URL; {usage}");
            }
            return new AzureBlobCheckpointStore(new BlobContainerClient(uri));
        }
        string? container = null;
        string prefix = "";
        var connection = new List<string>();
        foreach (var part in rest.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            if (key.Equals("Container", StringComparison.OrdinalIgnoreCase))
            {
                container = value;
            }
            else if (key.Equals("Prefix", StringComparison.OrdinalIgnoreCase))
            {
                prefix = value;
            }
            else
            {
                connection.Add(part);
            }
        }
        if (string.IsNullOrEmpty(container))
        {
            throw new ArgumentException($"checkpoint store 'azure-blob:' names no container; {usage}");
        }
        var connectionString = connection.Count > 0
            ? string.Join(';', connection)
            : Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                $"checkpoint store 'azure-blob:' has no connection string; add one after the container, or set {ConnectionStringVariable}");
        }
        try
        {
            return new AzureBlobCheckpointStore(new BlobContainerClient(connectionString, container), prefix);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"checkpoint store 'azure-blob:' connection string is not valid ({e.Message}); {usage}", e);
        }
    }
}
