using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansHpo.Client.Progress;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains;
using OrleansHpo.Results;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.Storage;
using OrleansHpo.Silo;

namespace OrleansHpo.Client;

/// <summary>
/// Runs or resumes one experiment on an embedded silo, or on a cluster (<see cref="Cluster"/>), and follows it to the
/// end. The process holds the experiment folder's <see cref="ExperimentLock"/> throughout, and turns the first
/// SIGINT/SIGTERM (<see cref="TerminationSignals"/>) or an <c>hpo stop</c> into a graceful interrupt
/// (docs/architecture.md, "Signals, ownership and exit codes").
/// </summary>
public sealed class ExperimentSession(TextWriter output, TextWriter error, bool quiet, bool verbose, ClientSettings settings, bool json = false)
{
    /// <summary>Cluster to run on (<c>redis://HOST:PORT</c>); null: an embedded silo in this process.</summary>
    public string? Cluster { get; init; }

    /// <summary>The cluster as messages show it: connection-string secrets redacted.</summary>
    private string ShownCluster
    {
        get
        {
            try
            {
                return Cluster is null ? "" : OrleansHpo.Silo.ClusterBackend.Parse(Cluster, "--cluster").Redacted;
            }
            catch (FormatException)
            {
                return "CLUSTER"; // a malformed setting: ConnectAsync reports it (exit 2); never echo what may hold a key
            }
        }
    }

    /// <summary>With a cluster: a signal to this client also stops the experiment (else it goes on in the cluster).</summary>
    public bool StopOnExit { get; init; }

    /// <summary>SIGINT/SIGTERM of this process; null: none are handled (tests driving the session in-process).</summary>
    public TerminationSignals? Signals { get; init; }

    /// <summary>How long a drain waits for epochs in progress before cancelling them (HPO_DRAIN_SECONDS, default 30).</summary>
    public static TimeSpan DrainGrace =>
        TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("HPO_DRAIN_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0 ? s : 30);

    public TrainableRegistry Registry { get; } = new(TrainablePlugins.BuiltIn().Concat(TrainablePlugins.Load(TrainablePlugins.Shipped().Concat(settings.Trainables).Distinct())));

    private CancellationToken Interrupt => Signals?.Token ?? CancellationToken.None;

    public async Task<int> RunAsync(string specPath, IReadOnlyList<string> overrides, string resultsRoot, bool overwrite, CancellationToken cancellationToken)
    {
        var spec = SpecLoader.Load(specPath, overrides, Registry);
        if (Cluster is null)
        {
            CheckSearcher(spec); // the embedded silo has the same providers; a cluster's silos are checked by the grain
        }
        var folder = new ResultsFolder(resultsRoot, spec.Name);
        var held = ExperimentLock.Acquire(folder.Directory, spec.Name, "run", Cluster is not null);
        try
        {
            if (folder.Exists)
            {
                if (!overwrite)
                {
                    throw new UserError(
                        $"experiment '{spec.Name}' already exists in {folder.Directory}: continue it with `hpo resume {spec.Name} --results-dir {resultsRoot}`, " +
                        $"run under another name with `--set name=NEW`, or start over with --overwrite");
                }
                held = Overwrite(folder, held, spec.Name);
            }
            using var ownership = held;
            folder.WriteSpec(spec.SourceJson);
            SetResumeHint(spec.Name, resultsRoot);
            await using var silo = await StartSilo(folder, spec, cancellationToken);
            var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(spec.Name);
            if (silo.Remote && (await experiment.GetStatus()).Phase != ExperimentPhase.NotStarted)
            {
                throw new UserError($"experiment '{spec.Name}' already exists on the cluster (its state is in the cluster's store): follow it with `hpo status {spec.Name} --cluster {ShownCluster}`, or run under another name with `--set name=NEW`");
            }
            await using var view = ProgressViews.Create(output, quiet, json, folder, spec);
            view.Message($"experiment {spec.Name}: {ExperimentMetadata.SchedulerName(spec)} on '{spec.Trainable}', {spec.NWorkers} workers, results in {folder.Directory}");
            await Start(experiment, spec, folder, silo.Remote);
            return await Follow(experiment, spec, folder, view, silo);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    public async Task<int> ResumeAsync(string name, string resultsRoot, CancellationToken cancellationToken)
    {
        var folder = ResultsFolder.Existing(resultsRoot, name);
        using var ownership = ExperimentLock.Acquire(folder.Directory, name, "resume", Cluster is not null);
        var spec = SpecLoader.Validate(StoredSpec(folder), [], Registry, File.Exists(folder.Metadata) ? folder.Metadata : folder.SpecFile);
        SetResumeHint(name, resultsRoot);
        StopRequest.Clear(folder.Directory); // a stop asked for while nothing ran must not end this resume
        await using var silo = await StartSilo(folder, spec, cancellationToken);
        if (!silo.Remote && silo.SiloServices is { } services
            && FileGrainStorage.FirstDamagedFile(folder.StateDirectory, services.GetRequiredService<Orleans.Serialization.Session.SerializerSessionPool>()) is { } damaged)
        {
            // Before any grain reads its state: one line naming the file and the fix, not an activation failure.
            throw new UserError(damaged);
        }
        var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(spec.Name);
        await using var view = ProgressViews.Create(output, quiet, json, folder, spec);
        if ((await experiment.GetStatus()).Phase == ExperimentPhase.NotStarted)
        {
            // Killed before its first state write: nothing ran yet, so resuming is starting.
            view.Message($"experiment {spec.Name} had not started before its process ended; starting it now");
            await Start(experiment, spec, folder, silo.Remote);
        }
        else
        {
            var status = await experiment.Resume();
            view.Message($"experiment {spec.Name} resumed: {status.Started} trials started before, {status.Running} running again, {status.ElapsedSeconds:F1}s of budget used");
        }
        return await Follow(experiment, spec, folder, view, silo);
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

    private void SetResumeHint(string name, string root)
    {
        if (Signals is not null)
        {
            Signals.ResumeHint = Cluster is null ? $"hpo resume {name} --results-dir {root}" : $"hpo resume {name} --results-dir {root} --cluster {ShownCluster}";
        }
    }

    /// <summary>The spec a folder was run with: metadata.json's copy, else spec.json (written before the silo started).</summary>
    private static string StoredSpec(ResultsFolder folder)
    {
        if (File.Exists(folder.Metadata))
        {
            JsonNode? metadata;
            try
            {
                metadata = JsonNode.Parse(File.ReadAllText(folder.Metadata));
            }
            catch (JsonException e)
            {
                throw new UserError($"{folder.Metadata} is not valid JSON ({e.Message}); it was not written by hpo or is damaged");
            }
            return metadata?["spec"]?.ToJsonString() ?? throw new UserError($"{folder.Metadata} has no spec; it was not written by hpo");
        }
        if (File.Exists(folder.SpecFile))
        {
            return File.ReadAllText(folder.SpecFile);
        }
        throw new UserError($"{folder.Directory} has persisted state but neither metadata.json nor spec.json: it cannot be resumed; start over with `hpo run SPEC --overwrite`");
    }

    /// <summary>
    /// --overwrite: the old folder is renamed aside in one step while this process holds its lock (so nothing of a
    /// live run is touched: a live run holds the lock and we never got here), a fresh folder is locked under the
    /// name, and only then is the old one deleted.
    /// </summary>
    private ExperimentLock Overwrite(ResultsFolder folder, ExperimentLock old, string name)
    {
        var aside = Path.Combine(Path.GetDirectoryName(folder.Directory)!, $".{name}.overwritten-{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Environment.ProcessId}");
        old.MoveTo(aside);
        ExperimentLock fresh;
        try
        {
            fresh = ExperimentLock.Acquire(folder.Directory, name, "run", Cluster is not null);
        }
        finally
        {
            old.Dispose();
        }
        try
        {
            Directory.Delete(aside, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"warning: the overwritten experiment was moved to {aside} but could not be deleted ({e.Message}); delete it yourself");
        }
        return fresh;
    }

    private async Task Start(IExperimentGrain experiment, ExperimentSpec spec, ResultsFolder folder, bool remote)
    {
        var request = new StartExperimentRequest(spec.SourceJson, folder.Directory);
        if (remote)
        {
            // Start is idempotent: a silo dying under the experiment grain only delays it.
            await TransientRetry.Run(() => experiment.Start(request), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, "start");
        }
        else
        {
            try
            {
                await experiment.Start(request);
            }
            catch (TimeoutException)
            {
                // Orleans' response timeout (30 s): the grain parses, persists and writes metadata.json with the spec.
                throw new UserError($"experiment '{spec.Name}' did not start within the silo's 30 s response timeout; its spec is " +
                    $"{spec.SourceJson.Length / 1e6:F1} MB, which the experiment parses and persists on start (and this machine may be overloaded). " +
                    "Shorten long choice lists (a randint or uniform domain describes a range in a few bytes), then `hpo resume` or `hpo run --overwrite`");
            }
        }
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
            CancelGraceSeconds = settings.CancelGraceSeconds,
        }, verbose ? LogLevel.Information : LogLevel.Warning);
        return new GrainHost(silo.GrainFactory, remote: false, silo.DisposeAsync, silo.Services);
    }

    private async Task<int> Follow(IExperimentGrain experiment, ExperimentSpec spec, ResultsFolder folder, IProgressView view, GrainHost host)
    {
        if (host.Remote)
        {
            if (await ClusterFollower.Follow(experiment, view, Interrupt) is { } final)
            {
                return await Finish(final, spec, view, host);
            }
            return Signals?.Token.IsCancellationRequested == true ? await Detach(experiment, spec) : ExitCodes.Failure;
        }
        ExperimentStatus status;
        while (true)
        {
            status = await experiment.GetStatus();
            if (status.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed)
            {
                break;
            }
            if (Signals?.Token.IsCancellationRequested == true)
            {
                await Drain(experiment, spec, folder, view, host, $"interrupted by {Signals.Name}", $"{Signals.Name}: ", secondSignal: true);
                return Signals.ExitCode;
            }
            if (StopRequest.TryTake(folder.Directory) is { } reason)
            {
                // `hpo stop NAME` from another process (see StopRequest).
                await Drain(experiment, spec, folder, view, host, reason, $"stop requested ({reason}): ", secondSignal: false);
                return ExitCodes.Ok;
            }
            view.Update(status);
            try
            {
                await Task.Delay(100, Interrupt);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return await Finish(status, spec, view, host, folder);
    }

    /// <summary>
    /// The graceful interrupt of an embedded run: the silo's training drains (each running trial checkpoints its last
    /// finished epoch, its trial grain persists it and the trial stays Running), the silo stops, and metadata.json
    /// says "interrupted". The persisted experiment is untouched otherwise: <c>hpo resume</c> re-drives those trials
    /// from their checkpoints with the budget that is left.
    /// </summary>
    private async Task Drain(IExperimentGrain experiment, ExperimentSpec spec, ResultsFolder folder, IProgressView view, GrainHost host,
        string reason, string prefix, bool secondSignal)
    {
        var resume = $"`hpo resume {spec.Name} --results-dir {folder.Root}`";
        await error.WriteLineAsync($"{prefix}stopping gracefully: each running trial finishes its epoch, checkpoints it and stops; {resume} continues the experiment" +
                                   (secondSignal ? " (a second signal exits at once, also resumable)" : ""));
        if (!secondSignal)
        {
            Signals?.WindingDown(); // an `hpo stop` drain: a signal now exits at once, as a second one would
        }
        var services = host.SiloServices!;
        var workerOptions = services.GetRequiredService<WorkerOptions>();
        var drain = workerOptions.Drain;
        var pool = services.GetRequiredService<WorkerPool>();
        drain.Begin();
        var grace = DrainGrace;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool aborted = false;
        int idleChecks = 0;
        while (idleChecks < 3)
        {
            idleChecks = pool.Busy == 0 && pool.Queued == 0 ? idleChecks + 1 : 0;
            if (!aborted && clock.Elapsed > grace)
            {
                await error.WriteLineAsync($"{pool.Busy} epochs still training after {grace.TotalSeconds:F0}s (HPO_DRAIN_SECONDS): cancelling them; they resume from their previous checkpoint");
                drain.Abort();
                aborted = true;
            }
            if (aborted && clock.Elapsed > grace + workerOptions.CancelGrace && pool.Busy > 0)
            {
                // Epochs that ignore their cancellation (runaway user code): their threads are left behind, the silo
                // stops without them and their trials resume from their previous checkpoint (docs/architecture.md).
                await error.WriteLineAsync($"{pool.Busy} epochs ignored their cancellation for {workerOptions.CancelGrace.TotalSeconds:F0}s: left behind; their trials resume from their previous checkpoint");
                break;
            }
            await Task.Delay(100, CancellationToken.None);
        }
        var status = await experiment.GetStatus();
        await host.DisposeAsync();
        MetadataFile.MarkInterrupted(folder.Metadata, reason);
        await error.WriteLineAsync($"interrupted after {clock.Elapsed.TotalSeconds:F1}s of draining: {status.Running} trials checkpointed and resumable; continue with {resume}");
        await view.FinishAsync(status with { Phase = ExperimentPhase.Interrupted, StopReason = reason }, BestLine(status, spec));
    }

    /// <summary>A signal to the client of a cluster run: it leaves; the experiment goes on in the cluster unless --stop-on-exit.</summary>
    private async Task<int> Detach(IExperimentGrain experiment, ExperimentSpec spec)
    {
        var signal = Signals!.Name;
        if (StopOnExit)
        {
            await error.WriteLineAsync($"{signal}: --stop-on-exit: stopping experiment {spec.Name} in the cluster (running trials stop; `hpo resume {spec.Name} --cluster {ShownCluster}` continues it)");
            try
            {
                await experiment.RequestStop($"stopped by the client ({signal}, --stop-on-exit)").WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                await error.WriteLineAsync($"error: the cluster did not take the stop request ({e.GetType().Name}: {e.Message}); stop it with `hpo stop {spec.Name} --cluster {ShownCluster}`");
                return ExitCodes.Failure;
            }
        }
        else
        {
            await error.WriteLineAsync($"{signal}: detached; experiment {spec.Name} goes on in the cluster (follow it with `hpo status {spec.Name} --cluster {ShownCluster}`, " +
                                       $"stop it with `hpo stop {spec.Name} --cluster {ShownCluster}`; run with --stop-on-exit to stop it with the client)");
        }
        return Signals.ExitCode;
    }

    private async Task<int> Finish(ExperimentStatus status, ExperimentSpec spec, IProgressView view, GrainHost host, ResultsFolder? folder = null)
    {
        await view.FinishAsync(status, BestLine(status, spec));
        if (status.Failed > 0 && status.Failed == status.Started)
        {
            // Also a failed phase (ExperimentScheduler.Finish); the line names the most common reason.
            var (reason, count) = await MostCommonFailure(host, spec.Name, status.Started);
            await error.WriteLineAsync($"error: all {status.Failed} trials failed; most common reason ({count} of {status.Failed}): {reason}");
            return ExitCodes.Failure;
        }
        if (status.Phase == ExperimentPhase.Failed)
        {
            Signals?.WindingDown();
            await error.WriteLineAsync($"error: {status.Error}");
            if (folder is not null)
            {
                RecordFailure(folder, status.Error ?? "failed");
            }
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// After the experiment failed (a lasting storage fault halted it): metadata.json must not go on saying "running".
    /// The experiment grain writes it where it can; when it could not, this tries once more, and when the folder
    /// refuses that too, says so on stderr. <c>hpo status</c> then shows the run as ended (no process holds its lock).
    /// </summary>
    private void RecordFailure(ResultsFolder folder, string reason)
    {
        string? recorded = null;
        try
        {
            recorded = MetadataFile.StatusOf(folder.Metadata);
            if (recorded is null or "failed")
            {
                return;
            }
            MetadataFile.MarkFailed(folder.Metadata, reason);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            error.WriteLine($"error: {folder.Metadata} could not be updated ({e.Message}); it still says \"{recorded ?? "?"}\", " +
                            "and `hpo status` shows the run as ended because no process holds its folder");
        }
    }

    /// <summary>The most frequent error among the trials (read from the trial grains), with its count.</summary>
    private static async Task<(string Reason, int Count)> MostCommonFailure(GrainHost host, string experiment, int started)
    {
        var reasons = new Dictionary<string, int>();
        for (int id = 0; id < Math.Min(started, 1000); id++)
        {
            try
            {
                var snapshot = await host.GrainFactory.GetGrain<ITrialGrain>(TrialKeys.Of(experiment, id)).GetSnapshot().WaitAsync(TimeSpan.FromSeconds(10));
                var reason = string.IsNullOrWhiteSpace(snapshot.Error) ? "(no reason recorded)" : snapshot.Error.Trim();
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                break;
            }
        }
        return reasons.Count == 0 ? ("(no reason recorded)", 0) : reasons.MaxBy(r => r.Value) is var top ? (top.Key, top.Value) : default;
    }

    private static string? BestLine(ExperimentStatus status, ExperimentSpec spec)
    {
        if (status.BestTrialId is not { } bestId)
        {
            return null;
        }
        var line = new JsonObject
        {
            ["trial_id"] = bestId,
            [spec.Metric] = status.BestValue,
            [spec.ResourceAttr] = status.BestEpoch,
            ["config"] = ExperimentMetadata.ConfigJson(status.BestConfig),
        };
        return line.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
