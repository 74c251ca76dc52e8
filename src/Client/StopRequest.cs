namespace OrleansHpo.Client;

/// <summary>
/// A graceful stop asked for from another process: <c>hpo stop NAME</c> writes DIR/NAME/stop-request, and the
/// <c>hpo run</c>/<c>hpo resume</c> process following the experiment turns it into IExperimentGrain.RequestStop
/// (running trials stop, the experiment records the stop reason in metadata.json). A file works the same for an
/// embedded run and for a results folder shared between silos.
/// </summary>
public static class StopRequest
{
    public const string FileName = "stop-request";

    public static string PathOf(string experimentDirectory) => Path.Combine(experimentDirectory, FileName);

    /// <summary>Asks the process following the experiment to stop it.</summary>
    public static void Write(string experimentDirectory, string reason)
    {
        var path = PathOf(experimentDirectory);
        var temp = path + ".tmp";
        File.WriteAllText(temp, reason);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The reason of a pending request, which is removed; null when there is none.</summary>
    public static string? TryTake(string experimentDirectory)
    {
        var path = PathOf(experimentDirectory);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var reason = File.ReadAllText(path).Trim();
            File.Delete(path);
            return reason.Length > 0 ? reason : "stopped by hpo stop";
        }
        catch (IOException)
        {
            return null; // being written; seen on the next poll
        }
    }

    /// <summary>Removes a request left over from an earlier run.</summary>
    public static void Clear(string experimentDirectory)
    {
        var path = PathOf(experimentDirectory);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
