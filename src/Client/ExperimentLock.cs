using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansHpo.Client;

/// <summary>
/// Exclusive ownership of an experiment folder by the <c>hpo run</c>/<c>hpo resume</c> process that follows it
/// (docs/architecture.md, "Signals, ownership and exit codes"). The lock is an exclusive advisory file lock
/// (<c>flock</c>, which .NET takes for <see cref="FileShare.None"/>) on <c>DIR/NAME/.lock</c>: the kernel drops it
/// when the process ends however it ends, so a crashed run never leaves a stale lock. Who holds it (pid, host, start
/// time, embedded or cluster) is written next to it in <c>DIR/NAME/.owner</c>, which outlives the process: a
/// folder whose status says "running" while nobody holds the lock belongs to a process that has ended.
/// </summary>
public sealed class ExperimentLock : IDisposable
{
    public const string LockFile = ".lock";
    public const string OwnerFile = ".owner";

    /// <summary>What .NET puts in <see cref="Exception.HResult"/> when <c>flock</c> finds the lock taken: errno EWOULDBLOCK
    /// (11) on Linux; ERROR_SHARING_VIOLATION (32) on Windows.</summary>
    private static bool IsLockTaken(IOException e) => (e.HResult & 0xFFFF) is 11 or 32 or 35;

    private FileStream? _stream;

    private ExperimentLock(FileStream stream, string directory)
    {
        _stream = stream;
        Directory = directory;
    }

    /// <summary>The experiment folder this lock is on (it moves with the folder when the folder is renamed).</summary>
    public string Directory { get; private set; }

    /// <summary>Who holds or last held a folder's lock.</summary>
    public sealed record Owner(int Pid, string Host, DateTime StartedUtc, string Command, bool Cluster)
    {
        public override string ToString() =>
            $"pid {Pid} on {Host}, `hpo {Command}` since {StartedUtc.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}";
    }

    /// <summary>Takes the lock of <paramref name="directory"/> (created if missing), or a user error naming the holder.</summary>
    public static ExperimentLock Acquire(string directory, string name, string command, bool cluster)
    {
        System.IO.Directory.CreateDirectory(directory);
        var stream = TryOpen(directory) ?? throw new UserError(InUse(directory, name));
        var owner = new Owner(Environment.ProcessId, Environment.MachineName, DateTime.UtcNow, command, cluster);
        WriteOwner(directory, owner);
        return new ExperimentLock(stream, directory);
    }

    /// <summary>True when a live process holds the lock of <paramref name="directory"/>.</summary>
    public static bool IsHeld(string directory)
    {
        try
        {
            // Read-only, so the probe also works where the folder can no longer be written (a lasting storage fault
            // halted its run): flock needs no write access.
            using var probe = new FileStream(Path.Combine(directory, LockFile), FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException e) when (IsLockTaken(e))
        {
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The process that holds or last held the lock (from <c>.owner</c>), or null.</summary>
    public static Owner? LastOwner(string directory)
    {
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, OwnerFile)));
            return json is null ? null : new Owner(
                json["pid"]!.GetValue<int>(), json["host"]!.GetValue<string>(), json["started_utc"]!.GetValue<DateTime>(),
                json["command"]?.GetValue<string>() ?? "run", json["cluster"]?.GetValue<bool>() == true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or NullReferenceException)
        {
            return null;
        }
    }

    /// <summary>The message of a refusal because another process holds the folder.</summary>
    public static string InUse(string directory, string name) =>
        $"experiment '{name}' in {directory} is in use by another hpo process ({LastOwner(directory)?.ToString() ?? "holder unknown"}); " +
        "wait for it to finish, stop it with `hpo stop " + name + "` (or Ctrl+C in its terminal), or use another name with `--set name=NEW`";

    /// <summary>
    /// Moves the locked folder aside to <paramref name="aside"/> in one rename (nothing is deleted before the live
    /// name is free); the lock stays held on the moved folder.
    /// </summary>
    public void MoveTo(string aside)
    {
        System.IO.Directory.Move(Directory, aside);
        Directory = aside;
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }

    private static FileStream? TryOpen(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsLockTaken(e))
        {
            return null; // flock said EWOULDBLOCK: another process holds it
        }
    }

    private static void WriteOwner(string directory, Owner owner)
    {
        var json = new JsonObject
        {
            ["pid"] = owner.Pid,
            ["host"] = owner.Host,
            ["started_utc"] = owner.StartedUtc,
            ["command"] = owner.Command,
            ["cluster"] = owner.Cluster,
            ["process_start_utc"] = Process.GetCurrentProcess().StartTime.ToUniversalTime(),
        };
        var path = Path.Combine(directory, OwnerFile);
        File.WriteAllText(path + ".tmp", json.ToJsonString());
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
