using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace OrleansHpo.Client.Commands;

/// <summary>
/// <c>hpo stop NAME</c>: graceful stop of a running experiment (see <see cref="StopRequest"/>): its running trials
/// stop, the status and stop reason are recorded in metadata.json, <c>hpo resume</c> can continue it later.
/// </summary>
public static class StopCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "Experiment name" };
        var resultsDir = CommandSupport.ResultsDir();
        var wait = new Option<bool>("--wait") { Description = "Wait until the experiment has stopped" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait with --wait", DefaultValueFactory = _ => 120 };
        var reason = new Option<string>("--reason") { Description = "Stop reason recorded in metadata.json", DefaultValueFactory = _ => "stopped by hpo stop" };
        var command = new Command("stop", "Stop a running experiment gracefully (running trials stop, status recorded; resume continues it)") { name, resultsDir, wait, timeout, reason };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, async () =>
        {
            var folder = ResultsFolder.Existing(parse.GetValue(resultsDir)!, parse.GetValue(name)!);
            var status = Status(folder);
            if (status is "completed" or "failed")
            {
                output.WriteLine($"{folder.Name} is already {status}; nothing to stop");
                return ExitCodes.Ok;
            }
            StopRequest.Write(folder.Directory, parse.GetValue(reason)!);
            if (!parse.GetValue(wait))
            {
                output.WriteLine($"stop requested for {folder.Name}: the hpo process running it stops its trials within a second (follow with `hpo status {folder.Name}`)");
                return ExitCodes.Ok;
            }
            var limit = TimeSpan.FromSeconds(parse.GetValue(timeout));
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < limit && !ct.IsCancellationRequested)
            {
                status = Status(folder);
                if (status is "completed" or "failed")
                {
                    output.WriteLine($"{folder.Name} stopped ({status})");
                    return ExitCodes.Ok;
                }
                await Task.Delay(200, CancellationToken.None);
            }
            bool taken = !File.Exists(StopRequest.PathOf(folder.Directory));
            await error.WriteLineAsync(taken
                ? $"error: {folder.Name} took the stop request but has not finished stopping after {limit.TotalSeconds:F0}s; check `hpo status {folder.Name}`"
                : $"error: no hpo process picked up the stop request in {limit.TotalSeconds:F0}s: is `hpo run`/`hpo resume` for {folder.Name} running? (the request stays until one does)");
            return ExitCodes.Failure;
        }));
        return command;
    }

    private static string? Status(ResultsFolder folder)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(folder.Metadata))?["status"]?.GetValue<string>();
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null; // being replaced; read again
        }
    }
}
