using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace OrleansHpo.Testing;

/// <summary>
/// A real Azurite (npm package <c>azurite</c>, installed into .tools/ by <c>scripts/install-deps.sh --azurite</c>)
/// serving Blob and Table on 127.0.0.1 and free ports, its data in memory; killed by its handle.
/// </summary>
public sealed class AzuriteServer : ClusterStoreServer
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    public const string Account = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The environment variable silos and clients read the connection string from.</summary>
    public const string ConnectionVariable = "HPO_TEST_AZURE_STORAGE";

    private readonly Process _process;

    public AzuriteServer(bool logRequests = false) : base("azurite")
    {
        var executable = FindExecutable();
        RequestLog = logRequests ? Path.Combine(Directory, "azurite-debug.log") : null;
        for (int attempt = 1; ; attempt++)
        {
            BlobPort = FreePorts.Next();
            TablePort = FreePorts.Next();
            var queuePort = FreePorts.Next();
            string[] args =
            [
                "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
                "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry",
                .. RequestLog is null ? Array.Empty<string>() : ["--debug", RequestLog],
            ];
            var process = Launch(executable, Directory, args);
            if (FreePorts.WaitAccepting(process, TimeSpan.FromSeconds(60), BlobPort, TablePort))
            {
                _process = process;
                break;
            }
            Stop(process);
            if (attempt == 3)
            {
                throw new InvalidOperationException($"Azurite ({executable}) did not listen on 127.0.0.1:{BlobPort}/{TablePort}");
            }
        }
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};TableEndpoint=http://127.0.0.1:{TablePort}/{Account};";
    }

    public int BlobPort { get; private set; }

    public int TablePort { get; private set; }

    public string ConnectionString { get; }

    /// <summary>Azurite's debug log (one "...StorageContextMiddleware: RequestMethod=..." line per request), when asked for.</summary>
    public string? RequestLog { get; }

    /// <summary>The connection string by the name of the variable holding it, as a user keeps a key out of command lines.</summary>
    public override string ClusterArgument => "azure:" + ConnectionVariable;

    public override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { [ConnectionVariable] = ConnectionString };

    public BlobServiceClient Blobs() => new(ConnectionString);

    /// <summary>Orleans' Azure membership table (OrleansSiloInstances): partition = cluster id, one row per silo generation.</summary>
    public override async Task<bool> IsDeadAsync(string clusterId, int siloPort)
    {
        var table = new TableClient(ConnectionString, "OrleansSiloInstances");
        var port = siloPort.ToString(CultureInfo.InvariantCulture);
        TableEntity? newest = null;
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == clusterId))
        {
            if (row.GetString("Port") == port && (newest is null || Generation(row) > Generation(newest)))
            {
                newest = row;
            }
        }
        return newest?.GetString("Status") == "Dead";
    }

    private static long Generation(TableEntity row) => long.TryParse(row.GetString("Generation"), CultureInfo.InvariantCulture, out var g) ? g : 0;

    public override void Dispose()
    {
        Stop(_process);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary><c>AZURITE</c>, or .tools/node_modules/.bin/azurite in the repository, or azurite on PATH.</summary>
    private static string FindExecutable()
    {
        if (System.Environment.GetEnvironmentVariable("AZURITE") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".tools", "node_modules", ".bin", "azurite");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "azurite")))
            {
                return Path.Combine(dir, "azurite");
            }
        }
        throw new InvalidOperationException("Azurite is not installed: run ./scripts/install-deps.sh --azurite (or set AZURITE to its path)");
    }
}
