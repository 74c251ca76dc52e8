using System.Text.RegularExpressions;
using Orleans.Storage;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// The failure model (docs/architecture.md, "Failures"): every exception that reaches a run or a grain falls in one
/// class, and each class has one behaviour. <see cref="FailureClass.Trainable"/> fails that trial only;
/// <see cref="FailureClass.Transient"/> is retried with backoff and never fails a trial; <see cref="FailureClass.Lasting"/>
/// (disk full, read-only, permission denied) halts the experiment: runs are cancelled, trials keep their last
/// persisted state, the client exits non-zero with the path and the fix, and <c>hpo resume</c> continues later.
/// </summary>
public static partial class FailureClassifier
{
    // Linux errno values .NET puts in IOException.HResult for file system errors it maps to no other type
    // (System.Private.CoreLib, Interop.IOErrors.cs) and that UnauthorizedAccessException wraps as its inner exception.
    private const int EPERM = 1;
    private const int EACCES = 13;
    private const int ENOSPC = 28;
    private const int EROFS = 30;
    private const int EDQUOT = 122;

    /// <summary>The class of <paramref name="e"/>, looking through the wrappers Orleans and tasks put around it.</summary>
    public static FailureClass Classify(Exception e)
    {
        if (LastingCause(e) is not null)
        {
            return FailureClass.Lasting;
        }
        return IsTransient(e) ? FailureClass.Transient : FailureClass.Trainable;
    }

    /// <summary>
    /// A storage failure that retrying cannot fix (the disk is full, read-only, or not writable by this user): a
    /// message naming what failed, the path where the OS named one, and the fix. Null for any other failure.
    /// </summary>
    public static string? LastingCause(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException ?? (x as AggregateException)?.InnerExceptions.FirstOrDefault())
        {
            string? kind = x switch
            {
                IOException io when io.HResult == ENOSPC || io.HResult == EDQUOT || x.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
                    => "no space left on the device",
                IOException io when io.HResult == EROFS || x.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase)
                    => "the file system is read-only",
                UnauthorizedAccessException => "write access is denied (read-only or immutable folder, or missing permission)",
                IOException io when io.HResult is EPERM or EACCES => "write access is denied (read-only or immutable folder, or missing permission)",
                _ => null,
            };
            if (kind is not null)
            {
                var path = PathOf(e);
                var where = path is null ? "" : $" at {path}";
                return $"storage: {kind}{where}. Free space or restore write access" +
                       (path is null ? "" : $" to {Path.GetDirectoryName(path) ?? path}");
            }
        }
        return null;
    }

    /// <summary>Unreachable silo or storage, a timeout, a version conflict answered by a stale activation.</summary>
    public static bool IsTransient(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (TransientRetry.IsTransient(x) || IsUnreachableStorage(x))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A storage provider that could not reach its server (Redis down or restarting, a socket reset): matched by type
    /// name so this assembly needs no reference to every provider's client library.
    /// </summary>
    private static bool IsUnreachableStorage(Exception e)
    {
        var name = e.GetType().FullName ?? "";
        return name.StartsWith("StackExchange.Redis.Redis", StringComparison.Ordinal) && name.EndsWith("Exception", StringComparison.Ordinal)
               || e is System.Net.Sockets.SocketException
               || e is ObjectDisposedException { ObjectName: not null } od && od.ObjectName.Contains("Redis", StringComparison.Ordinal)
               || e is OrleansException && e.Message.Contains("Redis", StringComparison.OrdinalIgnoreCase) && e.InnerException is null
               || e is InconsistentStateException;
    }

    /// <summary>The first quoted absolute path in the exception chain's messages (.NET writes "Access to the path '/x' is denied").</summary>
    private static string? PathOf(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            var m = QuotedPath().Match(x.Message);
            if (m.Success)
            {
                return m.Groups[1].Value;
            }
        }
        return null;
    }

    [GeneratedRegex(@"'(/[^']+)'")]
    private static partial Regex QuotedPath();
}

/// <summary>The three failure classes (docs/architecture.md, "Failures").</summary>
public enum FailureClass
{
    /// <summary>The trainable's fault: an exception from its code, a NaN metric, a declared metric missing. Fails that trial only.</summary>
    Trainable,

    /// <summary>Storage or a silo unreachable, a timeout, a stale activation's version conflict: retried, never a trial failure.</summary>
    Transient,

    /// <summary>Disk full, read-only, permission denied: the experiment halts, resumable once the cause is gone.</summary>
    Lasting,
}
