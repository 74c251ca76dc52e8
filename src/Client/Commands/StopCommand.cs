using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace OrleansHpo.Client.Commands;

/// <summary>
/// <c>hpo stop NAME</c>: graceful stop of a running experiment (see <see cref="StopRequest"/>). Embedded, the process
/// running it drains as on a first Ctrl+C: running trials checkpoint their last finished epoch, metadata.json records
/// status "interrupted" and the reason, and <c>hpo resume</c> continues the experiment with its remaining budget.
/// With <c>--cluster</c> the experiment grain is asked directly (<c>RequestStop</c>): running trials stop, and
/// <c>hpo resume --cluster</c> continues it.
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
        var cluster = new Option<string?>("--cluster") { Description = "Stop an experiment running on a cluster (redis://HOST:PORT)" };
        var command = new Command("stop", "Stop a running experiment gracefully (running trials checkpoint, status recorded; resume continues it)") { name, resultsDir, wait, timeout, reason, cluster };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, async () =>
        {
            if (parse.GetValue(cluster) is { } c)
            {
                return await StopOnCluster(output, c, parse.GetValue(name)!, parse.GetValue(reason)!, parse.GetValue(wait), TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
            }
            var folder = ResultsFolder.Existing(parse.GetValue(resultsDir)!, parse.GetValue(name)!);
            var status = Status(folder);
            if (status is "completed" or "failed" or "interrupted")
            {
                output.WriteLine($"{folder.Name} is already {status}; nothing to stop");
                return ExitCodes.Ok;
            }
            if (StatusReport.Orphaned(folder, status) is { } ended)
            {
                output.WriteLine($"{folder.Name} is not running: the hpo process that ran it ({ended}) has ended; nothing to stop (`hpo resume {folder.Name}` continues it)");
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
                if (status is "completed" or "failed" or "interrupted")
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

    private static async Task<int> StopOnCluster(TextWriter output, string cluster, string name, string reason, bool wait, TimeSpan limit, CancellationToken ct)
    {
        await using var host = await ClusterConnection.ConnectAsync(cluster, ct);
        var experiment = host.GrainFactory.GetGrain<OrleansHpo.Grains.Interfaces.IExperimentGrain>(name);
        var status = await experiment.GetStatus();
        switch (status.Phase)
        {
            case ExperimentPhase.NotStarted:
                throw new UserError($"no experiment named '{name}' on the cluster");
            case ExperimentPhase.Completed or ExperimentPhase.Failed:
                output.WriteLine($"{name} is already {status.Phase.ToString().ToLowerInvariant()}; nothing to stop");
                return ExitCodes.Ok;
        }
        await experiment.RequestStop(reason);
        if (!wait)
        {
            output.WriteLine($"stop requested for {name} on the cluster: its running trials stop (follow with `hpo status {name} --cluster {cluster}`; `hpo resume {name} --cluster {cluster}` continues it)");
            return ExitCodes.Ok;
        }
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit && !ct.IsCancellationRequested)
        {
            status = await experiment.GetStatus();
            if (status.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed)
            {
                output.WriteLine($"{name} stopped ({status.Phase.ToString().ToLowerInvariant()})");
                return ExitCodes.Ok;
            }
            await Task.Delay(200, CancellationToken.None);
        }
        throw new TimeoutException($"{name} has not finished stopping after {limit.TotalSeconds:F0}s; check `hpo status {name} --cluster {cluster}`");
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
