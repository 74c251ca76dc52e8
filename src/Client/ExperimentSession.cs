using OrleansHpo.Core.Search;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OrleansHpo.Client.Progress;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Silo;

namespace OrleansHpo.Client;

/// <summary>Runs or resumes one experiment on an embedded silo, or on a cluster (<see cref="Cluster"/>), and follows it to the end.</summary>
public sealed class ExperimentSession(TextWriter output, bool quiet, bool verbose, ClientSettings settings, bool json = false)
{
    /// <summary>Cluster to run on (<c>redis://HOST:PORT</c>); null: an embedded silo in this process.</summary>
    public string? Cluster { get; init; }

    public TrainableRegistry Registry { get; } = new(TrainablePlugins.BuiltIn().Concat(TrainablePlugins.Load(TrainablePlugins.Shipped().Concat(settings.Trainables).Distinct())));

    public async Task<int> RunAsync(string specPath, IReadOnlyList<string> overrides, string resultsRoot, bool overwrite, CancellationToken cancellationToken)
    {
        var spec = SpecLoader.Load(specPath, overrides, Registry);
        if (Cluster is null)
        {
            CheckSearcher(spec); // the embedded silo has the same providers; a cluster's silos are checked by the grain
        }
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
        await using var silo = await StartSilo(folder, spec, cancellationToken);
        var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(spec.Name);
        if (silo.Remote && (await experiment.GetStatus()).Phase != ExperimentPhase.NotStarted)
        {
            throw new UserError($"experiment '{spec.Name}' already exists on the cluster (its state is in the cluster's store): follow it with `hpo status {spec.Name} --cluster {Cluster}`, or run under another name with `--set name=NEW`");
        }
        await using var view = ProgressViews.Create(output, quiet, json, folder, spec);
        view.Message($"experiment {spec.Name}: {ExperimentMetadata.SchedulerName(spec)} on '{spec.Trainable}', {spec.NWorkers} workers, results in {folder.Directory}");
        var request = new StartExperimentRequest(spec.SourceJson, folder.Directory);
        if (silo.Remote)
        {
            // Start is idempotent: a silo dying under the experiment grain only delays it.
            await TransientRetry.Run(() => experiment.Start(request), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, "start");
        }
        else
        {
            await experiment.Start(request);
        }
        return await Follow(experiment, spec, folder, view, cancellationToken, silo.Remote);
    }

    private void CheckSearcher(ExperimentSpec spec)
    {
        try
        {
            SearcherFactory.Create(spec, TrainablePlugins.LoadSearcherProviders(settings.Trainables));
        }
        catch (SearcherSpecException e)
        {
            throw new UserError($"{e.Message} (searcher types other than random and grid come from --trainables libraries)");
        }
    }

    public async Task<int> ResumeAsync(string name, string resultsRoot, CancellationToken cancellationToken)
    {
        var folder = ResultsFolder.Existing(resultsRoot, name);
        var metadata = JsonNode.Parse(File.ReadAllText(folder.Metadata))!;
        var specJson = metadata["spec"]?.ToJsonString() ?? throw new UserError($"{folder.Metadata} has no spec; it was not written by hpo");
        var spec = SpecLoader.Validate(specJson, [], Registry, folder.Metadata);
        StopRequest.Clear(folder.Directory); // a stop asked for while nothing ran must not end this resume
        await using var silo = await StartSilo(folder, spec, cancellationToken);
        var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(spec.Name);
        await using var view = ProgressViews.Create(output, quiet, json, folder, spec);
        var status = await experiment.Resume();
        view.Message($"experiment {spec.Name} resumed: {status.Started} trials started before, {status.Running} running again, {status.ElapsedSeconds:F1}s of budget used");
        return await Follow(experiment, spec, folder, view, cancellationToken, silo.Remote);
    }

    private async Task<GrainHost> StartSilo(ResultsFolder folder, ExperimentSpec spec, CancellationToken cancellationToken)
    {
        if (Cluster is not null)
        {
            return await ClusterConnection.ConnectAsync(Cluster, cancellationToken);
        }
        var silo = await EmbeddedSilo.StartAsync(new HpoSiloOptions
        {
            StateDirectory = folder.StateDirectory,
            WorkerSlots = spec.NWorkers,
            Trainables = [.. settings.Trainables],
            Device = settings.Device,
            IntraOpThreads = settings.IntraOpThreads,
        }, verbose ? LogLevel.Information : LogLevel.Warning);
        return new GrainHost(silo.GrainFactory, remote: false, silo.DisposeAsync);
    }

    private async Task<int> Follow(IExperimentGrain experiment, ExperimentSpec spec, ResultsFolder folder, IProgressView view, CancellationToken cancellationToken, bool remote)
    {
        if (remote)
        {
            // Ctrl+C detaches from a cluster run: the experiment goes on there.
            return await ClusterFollower.Follow(experiment, view, cancellationToken) is { } final ? await Finish(final, spec, view)
                : cancellationToken.IsCancellationRequested ? ExitCodes.Ok : ExitCodes.Failure;
        }
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
                view.Message("stopping: running trials are stopped and their status recorded (press Ctrl+C again to leave now; `hpo resume` continues later)");
                await experiment.RequestStop("stopped by user");
                stopSent = true;
            }
            if (!stopSent && StopRequest.TryTake(folder.Directory) is { } reason)
            {
                // `hpo stop NAME` from another process (see StopRequest).
                view.Message($"stopping ({reason}): running trials are stopped and their status recorded; `hpo resume` continues later");
                await experiment.RequestStop(reason);
                stopSent = true;
            }
            view.Update(status);
            await Task.Delay(100, CancellationToken.None);
        }
        return await Finish(status, spec, view);
    }

    private static async Task<int> Finish(ExperimentStatus status, ExperimentSpec spec, IProgressView view)
    {
        string? best = null;
        if (status.BestTrialId is { } bestId)
        {
            var line = new JsonObject
            {
                ["trial_id"] = bestId,
                [spec.Metric] = status.BestValue,
                [spec.ResourceAttr] = status.BestEpoch,
                ["config"] = ExperimentMetadata.ConfigJson(status.BestConfig),
            };
            best = line.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        }
        await view.FinishAsync(status, best);
        if (status.Phase == ExperimentPhase.Failed)
        {
            Console.Error.WriteLine($"error: {status.Error}");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }
}
