using System.Security.Cryptography;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// Checkpoints as files: <c>ROOT/trial-N/epoch-E.ckpt</c>. Written to a temporary file in the same folder, flushed,
/// then renamed over the final name, so a crash leaves either the old file or the new one, never half of one.
/// A shared mount (NFS, SMB) makes this work across machines.
/// </summary>
public sealed class LocalDirectoryCheckpointStore : ICheckpointStore
{
    public CheckpointRef Save(string root, int trialId, int epoch, Action<Stream> write)
    {
        var folder = Path.Combine(root, $"trial-{trialId}");
        Directory.CreateDirectory(folder);
        var final = Path.Combine(folder, $"epoch-{epoch}.ckpt");
        var temp = final + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        string sha;
        long bytes;
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
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
            File.Move(temp, final, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        return new CheckpointRef(final, epoch, sha, bytes);
    }

    public Stream? TryOpen(CheckpointRef reference, out string? problem)
    {
        if (!File.Exists(reference.Uri))
        {
            problem = $"checkpoint {reference.Uri} is missing";
            return null;
        }
        var memory = new MemoryStream();
        using (var file = new FileStream(reference.Uri, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            file.CopyTo(memory);
        }
        var sha = Convert.ToHexString(SHA256.HashData(memory.GetBuffer().AsSpan(0, (int)memory.Length)));
        if (!string.Equals(sha, reference.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            problem = $"checkpoint {reference.Uri} is corrupt (SHA-256 {sha[..12]}…, expected {reference.Sha256[..Math.Min(12, reference.Sha256.Length)]}…)";
            return null;
        }
        memory.Position = 0;
        problem = null;
        return memory;
    }

    public void Delete(CheckpointRef reference) => TryDelete(reference.Uri);

    public long BytesUnder(string root) =>
        Directory.Exists(root)
            ? new DirectoryInfo(root).EnumerateFiles("*.ckpt", SearchOption.AllDirectories).Sum(f => SafeLength(f))
            : 0;

    public CheckpointUsage Measure(string root)
    {
        int files = 0;
        long bytes = 0;
        var trials = new HashSet<int>();
        if (!Directory.Exists(root))
        {
            return new CheckpointUsage(0, 0, trials);
        }
        foreach (var folder in new DirectoryInfo(root).EnumerateDirectories("trial-*"))
        {
            bool any = false;
            try
            {
                foreach (var file in folder.EnumerateFiles("*.ckpt"))
                {
                    files++;
                    bytes += SafeLength(file);
                    any = true;
                }
            }
            catch (DirectoryNotFoundException)
            {
                continue;
            }
            if (any && int.TryParse(folder.Name.AsSpan("trial-".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                trials.Add(id);
            }
        }
        return new CheckpointUsage(files, bytes, trials);
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
