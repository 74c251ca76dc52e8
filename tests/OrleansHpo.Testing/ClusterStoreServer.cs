using System.Diagnostics;

namespace OrleansHpo.Testing;

/// <summary>
/// The store a test or benchmark cluster runs on, started as a real server process on loopback and free ports:
/// <see cref="RedisServer"/> or <see cref="AzuriteServer"/> (Azure Storage). Silos and clients get
/// <see cref="ClusterArgument"/> as <c>--cluster</c> and <see cref="Environment"/> in their environment.
/// </summary>
public abstract class ClusterStoreServer : IDisposable
{
    /// <summary>Backends the cluster tests run on.</summary>
    public static readonly IReadOnlyList<string> Backends = ["redis", "azurite"];

    protected ClusterStoreServer(string backend)
    {
        Backend = backend;
        Directory = Path.Combine(Path.GetTempPath(), "hpo-" + backend + "-tests", Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>"redis" or "azurite".</summary>
    public string Backend { get; }

    /// <summary>A folder of this server (its data, and the logs of clusters on it).</summary>
    public string Directory { get; }

    /// <summary>The value of <c>--cluster</c> for silos and clients.</summary>
    public abstract string ClusterArgument { get; }

    /// <summary>Environment variables silos and clients need (the Azure connection string: never on a command line).</summary>
    public virtual IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>();

    /// <summary>Whether the membership table says the silo with silo port <paramref name="siloPort"/> (its newest generation) is dead.</summary>
    public abstract Task<bool> IsDeadAsync(string clusterId, int siloPort);

    /// <param name="backend">"redis" or "azurite".</param>
    /// <param name="logRequests">Azurite: write its debug log (every request) to <see cref="AzuriteServer.RequestLog"/>,
    /// for the storage-operations benchmark; slows it down.</param>
    public static ClusterStoreServer Start(string backend, bool logRequests = false) => backend switch
    {
        "redis" => new RedisServer(),
        "azurite" => new AzuriteServer(logRequests),
        _ => throw new ArgumentException($"unknown backend '{backend}'; use one of {string.Join(", ", Backends)}", nameof(backend)),
    };

    public abstract void Dispose();

    protected static void Stop(Process process)
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

    protected static Process Launch(string file, string? workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
