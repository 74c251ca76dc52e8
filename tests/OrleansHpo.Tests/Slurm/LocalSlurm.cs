using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansHpo.Tests.Slurm;

/// <summary>
/// A real one-node SLURM (munged, slurmctld, slurmd) for the tests, started by <c>scripts/slurm-local.sh</c> in a
/// folder of its own under /tmp/slurm/ with free loopback ports, and stopped (daemons and leftover job processes, by
/// pid) on dispose, also after a failed test. <see cref="Unavailable"/> says why SLURM could not run here.
/// </summary>
public sealed class LocalSlurm : IDisposable
{
    /// <summary>The repository root (the folder holding OrleansHpo.sln) the tests were built from.</summary>
    public static readonly Lazy<string> Root = new(() =>
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "OrleansHpo.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("repository root not found");
        }
        return root;
    });

    private LocalSlurm(string directory) => Directory = directory;

    /// <summary>State, config and logs of this SLURM.</summary>
    public string Directory { get; }

    public string Conf => Path.Combine(Directory, "slurm.conf");

    /// <summary>Why SLURM could not start (the test is then skipped with this reason), or null once it runs.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Starts SLURM; requeued jobs may start again after <paramref name="credExpireSeconds"/> + 1 s.</summary>
    public static LocalSlurm Start(int credExpireSeconds)
    {
        var slurm = new LocalSlurm(Path.Combine("/tmp/slurm", "test-" + Guid.NewGuid().ToString("N")[..8]));
        var (code, output) = Run(Path.Combine(Root.Value, "scripts", "slurm-local.sh"), TimeSpan.FromMinutes(5),
            new Dictionary<string, string> { ["HPO_SLURM_CRED_EXPIRE"] = credExpireSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            "start", slurm.Directory, FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (code == 3)
        {
            slurm.Unavailable = output.Trim();
        }
        else if (code != 0)
        {
            slurm.Dispose();
            throw new InvalidOperationException($"scripts/slurm-local.sh start failed ({code}): {output}");
        }
        return slurm;
    }

    /// <summary>Runs a SLURM command (sbatch, squeue, scontrol, scancel) against this SLURM.</summary>
    public (int Code, string Output) Command(string program, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["SLURM_CONF"] = Conf };
        return Run(program, TimeSpan.FromSeconds(60), env, args);
    }

    /// <summary>The value of <paramref name="field"/> in <c>scontrol show job ID</c>.</summary>
    public string? JobField(string jobId, string field)
    {
        var (_, output) = Command("scontrol", null, "show", "job", jobId);
        return output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(p => p.StartsWith(field + "=", StringComparison.Ordinal))?[(field.Length + 1)..];
    }

    public void Dispose() =>
        Run(Path.Combine(Root.Value, "scripts", "slurm-local.sh"), TimeSpan.FromMinutes(2), null, "stop", Directory);

    private static (int Code, string Output) Run(string program, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
