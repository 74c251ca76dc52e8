using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>
/// A real Azurite blob service (npm package <c>azurite</c>, installed into .tools/ by
/// <c>scripts/install-deps.sh --azurite</c>) on 127.0.0.1 and a free port, in memory (working directory: a temporary folder), for the tests of one collection.
/// The process is ours: it is killed (by its handle) when the collection ends.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    private const string Account = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly string _location;

    public AzuriteFixture()
    {
        var executable = FindExecutable();
        _location = Path.Combine(Path.GetTempPath(), "hpo-azurite", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_location);
        for (int attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var start = new ProcessStartInfo(executable)
            {
                WorkingDirectory = _location,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry",
            })
            {
                start.ArgumentList.Add(arg);
            }
            var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (WaitForPort(process, TimeSpan.FromSeconds(60)))
            {
                _process = process;
                break;
            }
            Kill(process);
            if (attempt == 3)
            {
                Directory.Delete(_location, recursive: true);
                throw new InvalidOperationException($"Azurite ({executable}) did not listen on 127.0.0.1:{Port}");
            }
        }
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{Account};";
    }

    public int Port { get; private set; }

    public string ConnectionString { get; }

    /// <summary>A fresh, uniquely named container client (created lazily by the store).</summary>
    public BlobContainerClient NewContainer() => new(ConnectionString, "t" + Guid.NewGuid().ToString("N")[..20]);

    /// <summary>The checkpoint store configuration string for <paramref name="container"/>.</summary>
    public string StoreLocation(string container) => $"azure-blob:Container={container};{ConnectionString}";

    public void Dispose()
    {
        Kill(_process);
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    private bool WaitForPort(Process process, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                process.WaitForExit(100); // polls the port, returning early if Azurite exits
            }
        }
        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary><c>AZURITE_BLOB</c>, or .tools/node_modules/.bin/azurite-blob in the repository, or azurite-blob on PATH.</summary>
    private static string FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("AZURITE_BLOB") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".tools", "node_modules", ".bin", "azurite-blob");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(folder, "azurite-blob");
            if (folder.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("Azurite is not installed: run ./scripts/install-deps.sh --azurite (or set AZURITE_BLOB to azurite-blob's path)");
    }
}
