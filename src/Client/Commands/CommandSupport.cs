using System.CommandLine;
using OrleansHpo.Results;

namespace OrleansHpo.Client.Commands;

/// <summary>Options and error handling shared by the verbs.</summary>
internal static class CommandSupport
{
    public static Option<string> ResultsDir() => new("--results-dir")
    {
        Description = "Folder holding experiments (default ~/orleans-hpo, or $HPO_RESULTS_DIR)",
        DefaultValueFactory = _ => ResultsFolder.DefaultRoot,
    };

    /// <summary>--cluster redis://HOST:PORT: ask (or run on) a running cluster instead of the local results folder.</summary>
    public static Option<string?> Cluster(string description) => new("--cluster") { Description = description };

    /// <summary>
    /// <see cref="Guard(TextWriter, Func{Task{int}})"/> for run and resume, where a --trainables library that cannot be
    /// loaded is also bad input.
    /// </summary>
    public static Task<int> GuardRun(TextWriter error, Func<Task<int>> action) => Guard(error, async () =>
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException && e.Message.StartsWith("--trainables", StringComparison.Ordinal))
        {
            throw new UserError(e.Message);
        }
    });

    /// <summary>Loads experiment NAME from the results folder (unknown name: a user error listing the known ones).</summary>
    public static Experiment Load(string root, string name)
    {
        var folder = ResultsFolder.WithMetadata(root, name);
        return Experiment.Load(folder.Directory);
    }

    /// <summary>Runs a verb: user errors exit 2 with their message, other failures exit 1, never a stack trace.</summary>
    public static async Task<int> Guard(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (UserError e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (OrleansHpo.Grains.Execution.FailureClassifier.LastingCause(e) is { } cause)
        {
            // Disk full, read-only, permission denied (docs/architecture.md, "Failures"): the path and the fix, exit 1.
            await error.WriteLineAsync($"error: {cause}");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    public static Task<int> Guard(TextWriter error, Func<int> action) => Guard(error, () => Task.FromResult(action()));

    /// <summary>A PNG path the user can write to, or a user error.</summary>
    public static string PngPath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UserError("--out: give the PNG file to write, e.g. --out plot.png");
        }
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserError($"--out {path}: plots are written as PNG; use a file name ending in .png");
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null && !Directory.Exists(dir))
        {
            throw new UserError($"--out {path}: the folder {dir} does not exist; create it first");
        }
        return path;
    }
}
