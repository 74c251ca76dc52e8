using System.Globalization;
using System.Security.Cryptography;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.Storage;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// Checkpoints as files: <c>FOLDER/trial-N/epoch-E.fence-F.ckpt</c>, where FOLDER is the experiment's
/// <c>DIR/NAME/checkpoints</c> by default, or <c>BASE/NAME</c> when the store is configured with a base directory
/// (a shared mount, NFS or SMB, makes this work across machines).
/// <para>Atomic: written to a temporary file in the same folder and flushed, then renamed to the final name, so a
/// crash leaves either no checkpoint or a whole one. Fenced: <c>trial-N/fence.lock</c> holds the highest fence token
/// that claimed or wrote a checkpoint of the trial; the token check, the fence update and the rename happen under an
/// exclusive lock on that same file, so a writer with a lower token can never publish after a newer one has. The
/// token is rewritten in place (a few bytes, fsynced), not as a new file: creating a file per run cost more than the
/// rest of a fenced write (docs/benchmarks.md, "Files created per decision").</para>
/// </summary>
public sealed class LocalDirectoryCheckpointStore : ICheckpointStore
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
    private readonly string? _baseDirectory;

    /// <param name="baseDirectory">Folder for every experiment's checkpoints; null: each experiment's results folder.</param>
    public LocalDirectoryCheckpointStore(string? baseDirectory = null)
    {
        _baseDirectory = string.IsNullOrWhiteSpace(baseDirectory) ? null : Path.GetFullPath(baseDirectory);
    }

    /// <summary>The configured base directory, or null when checkpoints go into each experiment's results folder.</summary>
    public string? BaseDirectory => _baseDirectory;

    public CheckpointRef Save(CheckpointScope scope, int trialId, int epoch, long fence, Action<Stream> write)
    {
        var folder = Path.Combine(Folder(scope), CheckpointNames.TrialFolder(trialId));
        var final = Path.Combine(folder, CheckpointNames.File(epoch, fence));
        var temp = final + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        string sha;
        long bytes;
        try
        {
            using (var file = Folders.CreateIn(folder, () => new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16)))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                using (var hashing = new HashingStream(file, hash))
                {
                    write(hashing);
                }
                file.Flush(flushToDisk: true);
                bytes = file.Length;
                sha = Convert.ToHexString(hash.GetHashAndReset());
            }
            using (RaiseFence(folder, trialId, fence))
            {
                File.Move(temp, final, overwrite: true);
            }
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        return new CheckpointRef(final, epoch, sha, bytes);
    }

    public void ClaimFence(CheckpointScope scope, int trialId, long fence)
    {
        var folder = Path.Combine(Folder(scope), CheckpointNames.TrialFolder(trialId));
        RaiseFence(folder, trialId, fence).Dispose();
    }

    /// <summary>Under the trial's lock: refuse a token lower than the recorded one, record a higher one. Returns the held lock.</summary>
    private static FileStream RaiseFence(string folder, int trialId, long fence)
    {
        var held = AcquireLock(folder);
        try
        {
            long newest = Math.Max(ReadFence(held), ReadLegacyFence(Path.Combine(folder, LegacyFenceFile)));
            if (fence < newest)
            {
                throw new StaleCheckpointWriteException(trialId, fence, newest);
            }
            if (fence > newest)
            {
                WriteFence(held, fence);
            }
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    public Stream? TryOpen(CheckpointRef reference, out string? problem)
    {
        byte[] bytes;
        string sha;
        try
        {
            (bytes, sha) = ReadAndHash(reference.Uri);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            problem = $"checkpoint {reference.Uri} is missing";
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException && Directory.Exists(reference.Uri))
        {
            // A folder where the checkpoint file should be: as lost (retrain from scratch), not a storage fault.
            problem = $"checkpoint {reference.Uri} is a directory, not a checkpoint file";
            return null;
        }
        return CheckpointChecksum.Verify(new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true), sha, reference, out problem);
    }

    /// <summary>Chunk size of <see cref="ReadAndHash"/>: large enough that handing a chunk to the hasher is cheap.</summary>
    private const int HashChunk = 1 << 20;

    /// <summary>
    /// Reads the whole file and its SHA-256, hashing each chunk on the thread pool while the next one is read, so a
    /// large checkpoint costs about its read time, not read + hash (docs/benchmarks.md, pause/resume cost).
    /// </summary>
    private static (byte[] Bytes, string Sha) ReadAndHash(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var bytes = new byte[checked((int)file.Length)];
        if (bytes.Length <= HashChunk)
        {
            // One chunk: nothing to overlap, a task would only add its scheduling cost.
            file.ReadExactly(bytes);
            return (bytes, Convert.ToHexString(SHA256.HashData(bytes)));
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Task hashed = Task.CompletedTask;
        try
        {
            int read = 0;
            while (read < bytes.Length)
            {
                int n = file.Read(bytes, read, Math.Min(HashChunk, bytes.Length - read));
                if (n == 0)
                {
                    throw new IOException($"{path} ended after {read} of {bytes.Length} bytes");
                }
                int offset = read;
                // In order, one chunk at a time, off this thread (never inline: the reader must not wait for the hasher).
                hashed = hashed.ContinueWith(previous =>
                {
                    previous.GetAwaiter().GetResult();
                    hash.AppendData(bytes, offset, n);
                }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                read += n;
            }
        }
        finally
        {
            // The hash object outlives every chunk handed to it, also when reading failed.
            ((IAsyncResult)hashed).AsyncWaitHandle.WaitOne();
        }
        hashed.GetAwaiter().GetResult();
        return (bytes, Convert.ToHexString(hash.GetHashAndReset()));
    }

    public Task DeleteAsync(CheckpointRef reference) => Task.Run(() => TryDelete(reference.Uri));

    public IReadOnlyList<StoredCheckpoint> List(CheckpointScope scope)
    {
        var folder = Folder(scope);
        var found = new List<StoredCheckpoint>();
        if (!Directory.Exists(folder))
        {
            return found;
        }
        foreach (var trial in new DirectoryInfo(folder).EnumerateDirectories("trial-*"))
        {
            foreach (var file in trial.EnumerateFiles("*" + CheckpointNames.Extension))
            {
                if (CheckpointNames.TryParse(trial.Name, file.Name, out int trialId, out int epoch, out long fence))
                {
                    found.Add(new StoredCheckpoint(file.FullName, trialId, epoch, fence, SafeLength(file)));
                }
            }
        }
        return [.. found.OrderBy(c => c.TrialId).ThenBy(c => c.Epoch).ThenBy(c => c.Fence)];
    }

    private string Folder(CheckpointScope scope) =>
        _baseDirectory is null ? scope.Root : Path.Combine(_baseDirectory, CheckpointNames.Segment(scope.Experiment));

    /// <summary>An exclusive lock on <c>fence.lock</c> (FileShare.None: an OS lock, across processes).</summary>
    private static FileStream AcquireLock(string folder)
    {
        var path = Path.Combine(folder, "fence.lock");
        var deadline = DateTime.UtcNow + LockTimeout;
        int wait = 1;
        while (true)
        {
            try
            {
                return Folders.CreateIn(folder, () => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException e) when (IsHeldByAnother(e) && DateTime.UtcNow < deadline)
            {
                // Held by another writer of this trial: the critical section is a read, a tiny write and a rename.
                Thread.Sleep(wait);
                wait = Math.Min(wait * 2, 50);
            }
        }
    }

    /// <summary>
    /// The lock is held by another writer (flock's EWOULDBLOCK, which .NET reports as an IOException carrying that errno;
    /// a sharing violation on Windows), as opposed to an IOException that waiting cannot fix: a read-only or full file
    /// system (EROFS, ENOSPC) is thrown at once, so the run ends on a lasting fault instead of spinning for
    /// <see cref="LockTimeout"/> with its grain waiting for it (docs/architecture.md, "Failures").
    /// </summary>
    private static bool IsHeldByAnother(IOException e) =>
        OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) == ErrorSharingViolation : e.HResult == EWouldBlock;

    private const int EWouldBlock = 11; // EAGAIN on Linux (System.Private.CoreLib, Interop.IOErrors.cs)
    private const int ErrorSharingViolation = 32;

    /// <summary>Where versions before the token moved into <c>fence.lock</c> kept it; still read, never written.</summary>
    private const string LegacyFenceFile = "fence";

    /// <summary>The token in the held lock file: empty (a new trial) or not a number (damaged by hand or by a tool,
    /// or a write torn by a crash) reads as no fence; the claimant's token, which its grain's version-checked state
    /// vouches for, is written over it. Checkpoints are still verified by their checksum.</summary>
    private static long ReadFence(FileStream held)
    {
        Span<byte> buffer = stackalloc byte[32];
        held.Position = 0;
        int n = held.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return long.TryParse(System.Text.Encoding.ASCII.GetString(buffer[..n]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var fence) ? fence : 0;
    }

    private static long ReadLegacyFence(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
            return 0;
        }
        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var fence) ? fence : 0;
    }

    /// <summary>In place: tokens only grow, so the new text is never shorter than the old; the length is set anyway.</summary>
    private static void WriteFence(FileStream held, long fence)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(fence.ToString(CultureInfo.InvariantCulture));
        held.Position = 0;
        held.Write(bytes);
        held.SetLength(bytes.Length);
        held.Flush(flushToDisk: true);
    }

    private static long SafeLength(FileInfo file)
    {
        try
        {
            return file.Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
