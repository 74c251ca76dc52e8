using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Orleans.Serialization;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Session;
using Orleans.Storage;
using OrleansHpo.Grains.Execution;

namespace OrleansHpo.Grains.Storage;

/// <summary>
/// Durable grain storage on local disk for the embedded silo: one file per grain state under
/// <c>ROOT/STATE/GRAIN-ID.bin</c>, holding an 8-byte version followed by the Orleans-serialized state.
/// A write goes to a temporary file that is flushed and then atomically exchanged with the old one (Linux
/// <c>renameat2(RENAME_EXCHANGE)</c>; elsewhere renamed over it), so a crash at any point leaves either the old state
/// or the new one. After an exchange the temporary file holds the previous state and the next write reuses it: a
/// grain's writes create no new file, which on ext4 without a journal cost more than the write itself
/// (docs/benchmarks.md, "Files created per decision"). The version is the ETag: a write whose ETag does not match the stored
/// version throws <see cref="InconsistentStateException"/>, so a stale activation can never overwrite newer state.
/// The file I/O (reads, the write, its fsync, the rename) runs on the thread pool, never on the grain's turn: the
/// returned task completes when it is done (docs/architecture.md, "No blocking I/O in grain turns").
/// </summary>
public sealed class FileGrainStorage(string root, Serializer serializer, bool flushToDisk) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, object> _locks = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => Read(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => Write(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => Clear(stateName, grainId, grainState));

    private void Read<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        lock (LockOf(path))
        {
            if (!File.Exists(path))
            {
                grainState.State = Activator.CreateInstance<T>();
                grainState.ETag = null;
                grainState.RecordExists = false;
                return;
            }
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 8)
            {
                throw Damaged(path, $"{bytes.Length} bytes, shorter than its 8-byte version header");
            }
            var version = BinaryPrimitives.ReadInt64LittleEndian(bytes);
            try
            {
                grainState.State = serializer.Deserialize<T>(bytes.AsMemory(8));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw Damaged(path, e.Message);
            }
            grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
    }

    private void Write<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        lock (LockOf(path))
        {
            long stored = StoredVersion(path);
            long expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture);
            if (stored != expected)
            {
                throw new InconsistentStateException(
                    $"State of {grainId} was written by another activation (stored version {stored}, this activation has {expected}).",
                    stored.ToString(System.Globalization.CultureInfo.InvariantCulture), grainState.ETag ?? "0");
            }
            long next = stored + 1;
            var payload = serializer.SerializeToArray(grainState.State);
            var buffer = new byte[8 + payload.Length];
            BinaryPrimitives.WriteInt64LittleEndian(buffer, next);
            payload.CopyTo(buffer, 8);
            var temp = path + ".tmp";
            using (var file = Folders.CreateIn(Path.GetDirectoryName(temp)!, () => new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096)))
            {
                file.Write(buffer);
                file.Flush(flushToDisk);
            }
            Publish(temp, path, exists: stored > 0 || File.Exists(path));
            grainState.ETag = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            HpoMetrics.StateWriteBytes.Record(buffer.Length, new KeyValuePair<string, object?>("state", stateName),
                new KeyValuePair<string, object?>("grain", grainId.ToString()));
        }
    }

    private void Clear<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        lock (LockOf(path))
        {
            File.Delete(path);
            File.Delete(path + ".tmp");
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = Activator.CreateInstance<T>();
        }
    }

    /// <summary>
    /// The first state file under <paramref name="root"/> that cannot be read back (truncated, or not written by
    /// this storage), as a message naming its path and the fix; null when every file reads. Checked by walking each
    /// file's encoded fields, so it needs no state type and activates no grain: <c>hpo resume</c> runs it before any
    /// grain reads its state, and the user sees one line instead of an activation failure.
    /// </summary>
    public static string? FirstDamagedFile(string root, SerializerSessionPool sessions)
    {
        if (!Directory.Exists(root))
        {
            return null;
        }
        foreach (var path in Directory.EnumerateFiles(root, "*.bin", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 8)
            {
                return Damaged(root, path, $"{bytes.Length} bytes, shorter than its 8-byte version header").Message;
            }
            try
            {
                using var session = sessions.GetSession();
                var reader = Orleans.Serialization.Buffers.Reader.Create(bytes.AsSpan(8), session);
                var field = reader.ReadFieldHeader();
                reader.SkipField(field);
                if (reader.Position != bytes.Length - 8)
                {
                    return Damaged(root, path, $"{bytes.Length - 8 - reader.Position} bytes after the end of its state").Message;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Damaged(root, path, e.Message).Message;
            }
        }
        return null;
    }

    /// <summary>ROOT is DIR/NAME/state (docs/architecture.md, results folder): the fix names the experiment's spec.</summary>
    private InvalidDataException Damaged(string path, string why) => Damaged(root, path, why);

    private static InvalidDataException Damaged(string root, string path, string why)
    {
        var experiment = Path.GetDirectoryName(Path.GetFullPath(root).TrimEnd('/')) ?? root;
        var results = Path.GetDirectoryName(experiment) ?? experiment;
        return new InvalidDataException(
            $"the state file {path} is damaged ({why}): it was truncated or overwritten outside hpo, and the experiment " +
            $"cannot be resumed from it. Restore the file from a backup, or start the experiment again with " +
            $"`hpo run {Path.Combine(experiment, "spec.json")} --results-dir {results} --overwrite`");
    }

    private static long StoredVersion(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        Span<byte> header = stackalloc byte[8];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.ReadExactly(header);
        return BinaryPrimitives.ReadInt64LittleEndian(header);
    }

    /// <summary>Makes <paramref name="temp"/> the state at <paramref name="path"/> in one atomic step.</summary>
    private static void Publish(string temp, string path, bool exists)
    {
        if (exists && s_exchange && OperatingSystem.IsLinux())
        {
            if (RenameAt2(AtFdCwd, temp, AtFdCwd, path, RenameExchange) == 0)
            {
                return;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno is not (EInval or ENoSys or ENotSup))
            {
                throw new IOException($"exchanging {temp} with {path} failed (errno {errno})", errno);
            }
            s_exchange = false; // this file system (or kernel) has no exchange: rename over, as everywhere else
        }
        File.Move(temp, path, overwrite: true);
    }

    private static volatile bool s_exchange = true;
    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2; // linux/fs.h
    private const int EInval = 22, ENoSys = 38, ENotSup = 95;

    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int oldDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, int newDirFd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);

    private object LockOf(string path) => _locks.GetOrAdd(path, _ => new object());

    private string PathOf(string stateName, GrainId grainId) => PathFor(root, stateName, grainId.Type.ToString()!, grainId.Key.ToString()!);

    /// <summary>The file holding state <paramref name="stateName"/> of the grain of type <paramref name="grainType"/>
    /// (e.g. "hpo-trial") and key <paramref name="key"/>: ROOT/STATE/TYPE/KEY.bin, the key's characters other than
    /// letters, digits, '-', '_' and '.' replaced by '_'. Readers (the dashboard) find a trial's state with it.</summary>
    public static string PathFor(string root, string stateName, string grainType, string key)
    {
        var safe = string.Create(key.Length, key, (span, k) =>
        {
            for (int i = 0; i < k.Length; i++)
            {
                char c = k[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_';
            }
        });
        return Path.Combine(root, stateName, grainType, $"{safe}.bin");
    }
}
