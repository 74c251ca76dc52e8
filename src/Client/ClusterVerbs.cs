using System.Text.Json.Nodes;
using OrleansHpo.Grains;
using OrleansHpo.Results;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Client;

/// <summary><c>status</c>, <c>best</c> and <c>list</c> with <c>--cluster</c>: live answers from the experiment grains.</summary>
public static class ClusterVerbs
{
    public static async Task<int> Status(TextWriter output, string cluster, string name, CancellationToken cancellationToken)
    {
        await using var host = await ClusterConnection.ConnectAsync(cluster, cancellationToken);
        var s = await Get(host, name);
        output.WriteLine($"{name}: {s.Phase.ToString().ToLowerInvariant()} ({s.Workers} workers), {s.ElapsedSeconds:F1}s elapsed{(s.StopReason is { } r ? $", stop reason: {r}" : "")}");
        output.WriteLine($"trials: {s.Started} started, {s.Running} running, {s.Paused} paused, {s.Stopped} stopped, {s.Completed} completed, {s.Failed} failed; {s.Promotions} promotions; {s.Reports} reports; {s.RetrainedEpochs} epochs retrained");
        output.WriteLine($"best: {(s.BestTrialId is null ? "-" : Best(s).ToJsonString())}");
        return ExitCodes.Ok;
    }

    public static async Task<int> BestOf(TextWriter output, string cluster, string name, CancellationToken cancellationToken)
    {
        await using var host = await ClusterConnection.ConnectAsync(cluster, cancellationToken);
        var s = await Get(host, name);
        if (s.BestTrialId is null)
        {
            throw new UserError($"experiment '{name}' has no reports yet");
        }
        output.WriteLine("best: " + Best(s).ToJsonString());
        return ExitCodes.Ok;
    }

    /// <summary>The experiments whose folders are under <paramref name="root"/>, with their live status from the cluster.</summary>
    public static async Task<int> List(TextWriter output, string cluster, string root, CancellationToken cancellationToken)
    {
        var names = ResultsFolder.Known(root);
        if (names.Count == 0)
        {
            output.WriteLine($"no experiments in {Path.GetFullPath(root)}");
            return ExitCodes.Ok;
        }
        await using var host = await ClusterConnection.ConnectAsync(cluster, cancellationToken);
        output.WriteLine($"{"name",-32} {"status",-10} {"trials",7} {"running",7} {"best",12}");
        foreach (var name in names)
        {
            var s = await host.GrainFactory.GetGrain<IExperimentGrain>(name).GetStatus();
            var best = s.BestValue is { } b ? b.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "-";
            var phase = s.Phase == ExperimentPhase.NotStarted ? "(local)" : s.Phase.ToString().ToLowerInvariant();
            output.WriteLine($"{name,-32} {phase,-10} {s.Started,7} {s.Running,7} {best,12}");
        }
        return ExitCodes.Ok;
    }

    private static async Task<ExperimentStatus> Get(GrainHost host, string name)
    {
        var s = await host.GrainFactory.GetGrain<IExperimentGrain>(name).GetStatus();
        if (s.Phase == ExperimentPhase.NotStarted)
        {
            throw new UserError($"no experiment named '{name}' on the cluster; start one with `hpo run SPEC --cluster ...`");
        }
        return s;
    }

    private static JsonObject Best(ExperimentStatus s) => new()
    {
        ["trial_id"] = s.BestTrialId,
        [s.Metric] = s.BestValue,
        ["epoch"] = s.BestEpoch,
        ["config"] = ExperimentMetadata.ConfigJson(s.BestConfig),
    };
}
