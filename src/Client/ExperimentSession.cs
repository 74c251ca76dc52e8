using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Silo;

namespace OrleansHpo.Client;

/// <summary>Runs or resumes one experiment on an embedded silo and follows it to the end.</summary>
public sealed class ExperimentSession(TextWriter output, bool quiet, bool verbose, ClientSettings settings)
{
    public TrainableRegistry Registry { get; } = new(TrainablePlugins.BuiltIn().Concat(TrainablePlugins.Load(TrainablePlugins.Shipped().Concat(settings.Trainables).Distinct())));

    public async Task<int> RunAsync(string specPath, IReadOnlyList<string> overrides, string resultsRoot, bool overwrite, CancellationToken cancellationToken)
    {
        var spec = SpecLoader.Load(specPath, overrides, Registry);
        var folder = new ResultsFolder(resultsRoot, spec.Name);
        if (folder.Exists)
        {
            if (!overwrite)
            {
                throw new UserError(
                    $"experiment '{spec.Name}' already exists in {folder.Directory}: continue it with `hpo resume {spec.Name} --results-dir {resultsRoot}`, " +
                    $"run under another name with `--set name=NEW`, or start over with --overwrite");
            }
            Directory.Delete(folder.Directory, recursive: true);
        }
        Directory.CreateDirectory(folder.Directory);
        await using var silo = await StartSilo(folder, spec);
        var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(spec.Name);
        Say($"experiment {spec.Name}: {ExperimentMetadata.SchedulerName(spec)} on '{spec.Trainable}', {spec.NWorkers} workers, results in {folder.Directory}");
        await experiment.Start(new StartExperimentRequest(spec.SourceJson, folder.Directory));
        return await Follow(experiment, spec, cancellationToken);
    }

    public async Task<int> ResumeAsync(string name, string resultsRoot, CancellationToken cancellationToken)
    {
        var folder = ResultsFolder.Existing(resultsRoot, name);
        var metadata = JsonNode.Parse(File.ReadAllText(folder.Metadata))!;
        var specJson = metadata["spec"]?.ToJsonString() ?? throw new UserError($"{folder.Metadata} has no spec; it was not written by hpo");
        var spec = SpecLoader.Validate(specJson, [], Registry, folder.Metadata);
        await using var silo = await StartSilo(folder, spec);
        var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(spec.Name);
        var status = await experiment.Resume();
        Say($"experiment {spec.Name} resumed: {status.Started} trials started before, {status.Running} running again, {status.ElapsedSeconds:F1}s of budget used");
        return await Follow(experiment, spec, cancellationToken);
    }

    private async Task<EmbeddedSilo> StartSilo(ResultsFolder folder, ExperimentSpec spec) =>
        await EmbeddedSilo.StartAsync(new HpoSiloOptions
        {
            StateDirectory = folder.StateDirectory,
            WorkerSlots = spec.NWorkers,
            Trainables = [.. settings.Trainables],
            Device = settings.Device,
            IntraOpThreads = settings.IntraOpThreads,
        }, verbose ? LogLevel.Information : LogLevel.Warning);

    private async Task<int> Follow(IExperimentGrain experiment, ExperimentSpec spec, CancellationToken cancellationToken)
    {
        var lastPrint = DateTime.MinValue;
        bool stopSent = false;
        ExperimentStatus status;
        while (true)
        {
            status = await experiment.GetStatus();
            if (status.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed)
            {
                break;
            }
            if (cancellationToken.IsCancellationRequested && !stopSent)
            {
                Say("stopping: running trials are stopped and their status recorded (press Ctrl+C again to leave now; `hpo resume` continues later)");
                await experiment.RequestStop("stopped by user");
                stopSent = true;
            }
            if (!quiet && DateTime.UtcNow - lastPrint > TimeSpan.FromSeconds(2))
            {
                lastPrint = DateTime.UtcNow;
                Say(ProgressLine(status));
            }
            await Task.Delay(100, CancellationToken.None);
        }
        Say(ProgressLine(status));
        Say($"{status.Phase.ToString().ToLowerInvariant()}: {status.StopReason}; {status.Started} trials ({status.Completed} completed, {status.Stopped} stopped, {status.Paused} paused, {status.Failed} failed), {status.Promotions} promotions, {status.Reports} reports in {status.ElapsedSeconds:F1}s");
        if (status.BestTrialId is { } best)
        {
            var line = new JsonObject
            {
                ["trial_id"] = best,
                [spec.Metric] = status.BestValue,
                [spec.ResourceAttr] = status.BestEpoch,
                ["config"] = ExperimentMetadata.ConfigJson(status.BestConfig),
            };
            output.WriteLine("best: " + line.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        }
        if (status.Phase == ExperimentPhase.Failed)
        {
            Console.Error.WriteLine($"error: {status.Error}");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }

    private static string ProgressLine(ExperimentStatus s) =>
        $"[{s.ElapsedSeconds,7:F1}s] trials {s.Started} | running {s.Running}/{s.Workers} paused {s.Paused} stopped {s.Stopped} completed {s.Completed} failed {s.Failed} | promotions {s.Promotions} | best {s.Metric} {(s.BestValue is { } v ? v.ToString("G5", System.Globalization.CultureInfo.InvariantCulture) : "-")}";

    private void Say(string line)
    {
        if (!quiet)
        {
            output.WriteLine(line);
        }
    }
}
