using System.Diagnostics;

namespace OrleansHpo.Bench.Netns;

/// <summary>
/// scripts/netns-cluster.sh driven from code (the chaos bench and the tests): a prefix, subnet and state folder of
/// its own, so it never touches another cluster; Dispose runs <c>stop</c>, which removes every namespace, veth,
/// bridge and process it made.
/// </summary>
public sealed class NetnsCluster : IDisposable
{
    private readonly string _script;
    private readonly Dictionary<string, string> _env;
    private bool _started;

    public NetnsCluster(string repository, string directory, string prefix, string subnet, string hpoDll, string relayDll)
    {
        _script = Path.Combine(repository, "scripts", "netns-cluster.sh");
        Directory = directory;
        _env = new()
        {
            ["HPO_NETNS_PREFIX"] = prefix,
            ["HPO_NETNS_SUBNET"] = subnet,
            ["HPO_NETNS_DIR"] = directory,
            ["HPO_DLL"] = hpoDll,
            ["HPO_RELAY_DLL"] = relayDll,
        };
    }

    public string Directory { get; }

    public string Url { get; private set; } = "";

    public int Silos { get; private set; }

    public string SiloLog(int i) => Path.Combine(Directory, $"silo{i}.log");

    /// <summary>Why namespaces cannot be made here (not root, no ip/nft), or null when they can.</summary>
    public static string? CannotCreate()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }
        if (Environment.UserName != "root" && !string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal))
        {
            using var id = Process.Start(new ProcessStartInfo("id", "-u") { RedirectStandardOutput = true })!;
            if (id.StandardOutput.ReadToEnd().Trim() != "0")
            {
                return "network namespaces need root (this user is not root)";
            }
        }
        return File.Exists("/usr/sbin/ip") || File.Exists("/sbin/ip") || File.Exists("/usr/bin/ip") ? null : "iproute2 (ip) is not installed";
    }

    public void Start(int silos, params string[] siloOptions)
    {
        _started = true;
        var output = Run(TimeSpan.FromMinutes(4), ["start", silos.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", .. siloOptions]);
        Url = output.Trim().Split('\n')[^1].Trim();
        Silos = silos;
    }

    /// <summary>Run one netns-cluster.sh command; throws with its output when it fails.</summary>
    public string Run(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(_script);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (k, v) in _env)
        {
            info.Environment[k] = v;
        }
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"netns-cluster.sh {string.Join(' ', args)} took over {timeout}");
        }
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"netns-cluster.sh {string.Join(' ', args)} exited {p.ExitCode}: {stdout.Result}{stderr.Result}");
        }
        return stdout.Result;
    }

    public string Fault(params string[] args) => Run(TimeSpan.FromMinutes(3), args);

    /// <summary>`hpo ARGS` in the client namespace (cluster URL and ids as the silos'), output to <paramref name="log"/>.</summary>
    public Process Client(string hpoDll, string log, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" client dotnet \"$@\" > '" + log + "' 2>&1");
        info.ArgumentList.Add(_script);
        info.ArgumentList.Add(hpoDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (k, v) in _env)
        {
            info.Environment[k] = v;
        }
        return Process.Start(info)!;
    }

    public void Dispose()
    {
        if (_started)
        {
            try
            {
                Run(TimeSpan.FromMinutes(2), "stop");
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                Console.Error.WriteLine($"warning: {e.Message}");
            }
        }
    }
}
