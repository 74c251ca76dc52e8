using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Silo;

namespace OrleansHpo.Client.Check;

/// <summary>
/// <c>hpo check</c>: runs one trainable on an in-process cluster of real silos (real trial grains, worker threads,
/// file grain storage and checkpoint store) and checks what promotion-based scheduling needs from it:
/// it reports every epoch; a pause and a resume on another silo reproduce the uninterrupted run bit for bit;
/// a missing or corrupt checkpoint falls back to training from scratch without recording reports twice;
/// a stop is honoured within a batch (well inside an epoch). Trial grains are driven directly (no experiment):
/// pausing at a milestone is the same path a rung's pause takes.
/// </summary>
public static class TrainableChecker
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static async Task<IReadOnlyList<CheckResult>> RunAsync(
        string trainable, IReadOnlyDictionary<string, object> config, CheckOptions options, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Epochs < 2 || options.PauseAt < 1 || options.PauseAt >= options.Epochs)
        {
            throw new UserError($"check: need 1 <= --pause-at < --epochs and --epochs >= 2 (got --epochs {options.Epochs}, --pause-at {options.PauseAt})");
        }
        if (options.Silos < 2)
        {
            throw new UserError("check: at least 2 silos are needed to resume on another silo");
        }
        var registry = new TrainableRegistry(TrainablePlugins.BuiltIn()
            .Concat(TrainablePlugins.Load(TrainablePlugins.Shipped().Concat(options.TrainableAssemblies).Distinct()))
            .Concat(options.AdditionalTrainables));
        if (!registry.TryGet(trainable, out var factory))
        {
            throw new UserError($"check: no trainable is registered as '{trainable}'; registered: {string.Join(", ", registry.Names)} (add your own with --trainables PATH.dll)");
        }
        string metric = options.Metric ?? factory.MetricNames.FirstOrDefault()
            ?? throw new UserError($"check: trainable '{trainable}' declares no metrics; pass --metric NAME");

        var root = Path.Combine(Path.GetTempPath(), "hpo-check", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var builder = new InProcessTestClusterBuilder((short)options.Silos);
        builder.Options.ConfigureFileLogging = false; // no ./logs folder in the user's working directory
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Logging.AddFilter("Orleans", LogLevel.Error);
        });
        builder.ConfigureClientHost(host => host.Logging.SetMinimumLevel(LogLevel.Error));
        builder.ConfigureSilo((_, silo) => silo.AddOrleansHpo(new HpoSiloOptions
        {
            StateDirectory = Path.Combine(root, "state"),
            WorkerSlots = 1,
            Device = options.Device,
            IntraOpThreads = options.IntraOpThreads,
            CancelGraceSeconds = Math.Min(30, options.RunTimeout.TotalSeconds),
            Trainables = [.. options.TrainableAssemblies],
            AdditionalTrainables = [.. options.AdditionalTrainables],
        }));
        var cluster = builder.Build();
        var results = new List<CheckResult>();
        try
        {
            await cluster.DeployAsync();
            var run = new Runner(cluster, trainable, config, metric, options, root, cancellationToken);
            progress?.WriteLine($"checking '{trainable}' on {options.Silos} silos: {options.Epochs} epochs, pause after epoch {options.PauseAt}, metric {metric}");

            TrialSnapshot? straight = null;
            results.Add(await WithTimeout("reports every epoch", async () =>
            {
                straight = await run.Uninterrupted();
                return ReportsEveryEpoch(straight, options.Epochs, metric);
            }));
            progress?.WriteLine(results[^1]);
            if (straight?.Status != TrialStatus.Completed)
            {
                return results; // nothing to compare the other runs with
            }
            var reference = straight;
            results.Add(await WithTimeout("pause + resume on another silo reproduces the uninterrupted run", () => run.PauseAndResume(reference)));
            progress?.WriteLine(results[^1]);
            results.Add(await WithTimeout("missing checkpoint falls back to training from scratch", () => run.LostCheckpoint(reference, corrupt: false)));
            progress?.WriteLine(results[^1]);
            results.Add(await WithTimeout("corrupt checkpoint falls back to training from scratch", () => run.LostCheckpoint(reference, corrupt: true)));
            progress?.WriteLine(results[^1]);
            results.Add(await WithTimeout("stop is honoured within one batch", () => run.Cancellation(reference)));
            progress?.WriteLine(results[^1]);
            return results;
        }
        finally
        {
            await cluster.DisposeAsync();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// One property with its time limit (<see cref="CheckOptions.RunTimeout"/> per run): a trainable that hangs (a
    /// blocking call, an epoch that ignores its cancellation token) fails the property instead of hanging the check.
    /// </summary>
    private static async Task<CheckResult> WithTimeout(string property, Func<Task<CheckResult>> check)
    {
        try
        {
            return await check();
        }
        catch (TimeoutException e)
        {
            return new(property, false, $"hang: {e.Message.Replace("check: ", "", StringComparison.Ordinal)}; an epoch that blocks or ignores its cancellation token is abandoned by a run after the grace period and its trial fails");
        }
    }

    private static CheckResult ReportsEveryEpoch(TrialSnapshot straight, int epochs, string metric)
    {
        const string property = "reports every epoch";
        if (straight.Status != TrialStatus.Completed)
        {
            return new(property, false, $"the uninterrupted run ended {straight.Status}: {straight.Error}");
        }
        var epochsSeen = straight.Reports.Select(r => r.Epoch).ToArray();
        if (!epochsSeen.SequenceEqual(Enumerable.Range(1, epochs)))
        {
            return new(property, false, $"epochs reported: [{string.Join(", ", epochsSeen)}], expected 1..{epochs}");
        }
        var bad = straight.Reports.FirstOrDefault(r => !r.Metrics.TryGetValue(metric, out var v) || !double.IsFinite(v));
        return bad is null
            ? new(property, true, $"epochs 1..{epochs}, {metric} = {string.Join(", ", straight.Reports.Select(r => Format(r.Metrics[metric])))}")
            : new(property, false, $"epoch {bad.Epoch} has no finite '{metric}'");
    }

    /// <summary>First metric that differs in its bits between the two runs' common epochs, or null.</summary>
    internal static string? FirstDifference(IEnumerable<EpochReport> expected, IEnumerable<EpochReport> actual)
    {
        var byEpoch = expected.ToDictionary(r => r.Epoch);
        foreach (var report in actual)
        {
            if (!byEpoch.TryGetValue(report.Epoch, out var reference))
            {
                return $"epoch {report.Epoch} is not in the uninterrupted run";
            }
            foreach (var (name, value) in reference.Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!report.Metrics.TryGetValue(name, out var other) || BitConverter.DoubleToInt64Bits(other) != BitConverter.DoubleToInt64Bits(value))
                {
                    return $"epoch {report.Epoch} {name}: {Format(other)} vs {Format(value)} uninterrupted";
                }
            }
        }
        return null;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Drives trial grains of one check on the cluster.</summary>
    private sealed class Runner(
        InProcessTestCluster cluster, string trainable, IReadOnlyDictionary<string, object> config, string metric,
        CheckOptions options, string root, CancellationToken cancellationToken)
    {
        private int _next;

        private IGrainFactory Grains => cluster.Client;

        public async Task<TrialSnapshot> Uninterrupted()
        {
            var (trial, plan) = NewTrial("uninterrupted", options.Epochs);
            await trial.Start(plan, options.Epochs, 1);
            return await WaitFor(trial, s => s.Status is not TrialStatus.Running, "the uninterrupted run");
        }

        public async Task<CheckResult> PauseAndResume(TrialSnapshot straight)
        {
            const string property = "pause + resume on another silo reproduces the uninterrupted run";
            var (trial, plan) = NewTrial("resumed", options.Epochs);
            var (paused, trainedOn) = await TrainToPause(trial, plan);
            if (paused.Status != TrialStatus.Paused || paused.Checkpoint is null)
            {
                return new(property, false, $"the trial did not pause with a checkpoint after epoch {options.PauseAt}: {paused.Status} {paused.Error}");
            }
            var target = await ResumeElsewhere(trial, trainedOn);
            string? resumedOn = null;
            var done = await WaitFor(trial, s =>
            {
                if (s.Status == TrialStatus.Running)
                {
                    resumedOn ??= s.Silo;
                }
                return s.Status is not TrialStatus.Running and not TrialStatus.Paused;
            }, "the resumed run");
            if (done.Status != TrialStatus.Completed)
            {
                return new(property, false, $"the resumed run ended {done.Status}: {done.Error}");
            }
            resumedOn ??= target;
            if (resumedOn == trainedOn)
            {
                return new(property, false, $"the trial resumed on the silo it paused on ({trainedOn}); the check needs another one");
            }
            var difference = FirstDifference(straight.Reports, done.Reports);
            return difference is null && done.Reports.Length == options.Epochs
                ? new(property, true, $"paused after epoch {options.PauseAt} on {Short(trainedOn)} ({paused.Checkpoint.Bytes:N0} B checkpoint), resumed on {Short(resumedOn)}: epochs {options.PauseAt + 1}..{options.Epochs} identical bit for bit")
                : new(property, false, difference ?? $"{done.Reports.Length} reports, expected {options.Epochs}");
        }

        public async Task<CheckResult> LostCheckpoint(TrialSnapshot straight, bool corrupt)
        {
            string property = corrupt
                ? "corrupt checkpoint falls back to training from scratch"
                : "missing checkpoint falls back to training from scratch";
            var (trial, plan) = NewTrial(corrupt ? "corrupt" : "missing", options.Epochs);
            var (paused, trainedOn) = await TrainToPause(trial, plan);
            if (paused.Status != TrialStatus.Paused || paused.Checkpoint is not { } checkpoint)
            {
                return new(property, false, $"the trial did not pause with a checkpoint: {paused.Status} {paused.Error}");
            }
            if (corrupt)
            {
                var bytes = await File.ReadAllBytesAsync(checkpoint.Uri, cancellationToken);
                bytes[bytes.Length / 2] ^= 0x5A;
                await File.WriteAllBytesAsync(checkpoint.Uri, bytes, cancellationToken);
            }
            else
            {
                File.Delete(checkpoint.Uri);
            }
            await ResumeElsewhere(trial, trainedOn);
            var done = await WaitFor(trial, s => s.Status is not TrialStatus.Running and not TrialStatus.Paused, "the run after the lost checkpoint");
            if (done.Status != TrialStatus.Completed)
            {
                return new(property, false, $"the run ended {done.Status} instead of retraining: {done.Error}");
            }
            var epochs = done.Reports.Select(r => r.Epoch).ToArray();
            if (!epochs.SequenceEqual(Enumerable.Range(1, options.Epochs)))
            {
                return new(property, false, $"reports recorded for epochs [{string.Join(", ", epochs)}] (each epoch must be recorded once)");
            }
            if (done.RetrainedFromScratch != 1 || done.RetrainedEpochs != options.PauseAt)
            {
                return new(property, false, $"retrained-from-scratch count {done.RetrainedFromScratch}, retrained epochs {done.RetrainedEpochs}; expected 1 and {options.PauseAt}");
            }
            var difference = FirstDifference(straight.Reports, done.Reports);
            return new(property, true, difference is null
                ? $"retrained epochs 1..{options.PauseAt} and continued; counted once, no report recorded twice, metrics identical to the uninterrupted run"
                : $"retrained and counted once, no report recorded twice (metrics differ from the uninterrupted run: {difference})");
        }

        public async Task<CheckResult> Cancellation(TrialSnapshot straight)
        {
            const string property = "stop is honoured within one batch";
            // Epoch time as the worker saw it (the first epoch includes nothing but training and evaluation).
            double epochSeconds = straight.Reports.Length > 1
                ? (straight.Reports[^1].WorkerSeconds - straight.Reports[0].WorkerSeconds) / (straight.Reports.Length - 1)
                : straight.Reports[0].WorkerSeconds;
            int long_ = options.Epochs * 1000;
            var (trial, plan) = NewTrial("stopped", long_);
            await trial.Start(plan, long_, 1);
            await WaitFor(trial, s => s.Reports.Length >= 1 || s.Status is not TrialStatus.Running, "the first epoch of the stop check");
            // Stop a little into the next epoch, so an epoch-boundary-only check shows as a long wait.
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(epochSeconds / 4, 2)), cancellationToken);
            var clock = Stopwatch.StartNew();
            await trial.Stop("hpo check");
            var done = await WaitFor(trial, s => s.Status is not TrialStatus.Running, "the stop");
            double stopSeconds = clock.Elapsed.TotalSeconds;
            if (done.Status == TrialStatus.Completed && done.LastEpoch >= long_)
            {
                return new(property, true, $"all {long_} epochs finished before the stop request reached the run (epochs too short to tell; check with more data or a delay)");
            }
            if (done.Status != TrialStatus.Stopped)
            {
                return new(property, false, $"the trial ended {done.Status} after epoch {done.LastEpoch} of {long_} instead of Stopped" + (string.IsNullOrEmpty(done.Error) ? "" : $": {done.Error}"));
            }
            string timing = $"stopped {stopSeconds * 1000:F0} ms after the request; an epoch takes {epochSeconds * 1000:F0} ms";
            if (epochSeconds < 0.2)
            {
                return new(property, true, timing + " (epochs too short to tell a per-batch check from a per-epoch one; check with more data)");
            }
            return stopSeconds <= Math.Max(epochSeconds / 2, 0.2)
                ? new(property, true, timing)
                : new(property, false, timing + ": the trainable seems to check the cancellation token only between epochs; check it once per batch");
        }

        private (ITrialGrain Trial, TrialPlan Plan) NewTrial(string purpose, int maxT)
        {
            var experiment = $"check-{Path.GetFileName(root)}-{purpose}-{_next++}";
            var plan = new TrialPlan
            {
                Experiment = experiment,
                TrialId = 0,
                Trainable = trainable,
                Config = new Dictionary<string, object>(config),
                Metric = metric,
                Mode = Mode.Min,
                ResourceAttr = "epoch",
                Bracket = 0,
                Rungs = [],
                MaxT = maxT,
                Seed = options.Seed,
                CheckpointRoot = Path.Combine(root, "checkpoints", experiment),
            };
            return (Grains.GetGrain<ITrialGrain>(TrialKeys.Of(experiment, 0)), plan);
        }

        /// <summary>Train to the pause epoch; returns the paused snapshot and the silo the trial trained on.</summary>
        private async Task<(TrialSnapshot Snapshot, string Silo)> TrainToPause(ITrialGrain trial, TrialPlan plan)
        {
            await trial.Start(plan, options.PauseAt, 1);
            string? silo = null;
            var paused = await WaitFor(trial, s =>
            {
                if (s.Status == TrialStatus.Running)
                {
                    silo = s.Silo;
                }
                return s.Status is not TrialStatus.Running;
            }, "the run to the pause");
            return (paused, silo ?? paused.Silo ?? "");
        }

        /// <summary>Wait for every paused trial activation to go away, then resume on a silo other than <paramref name="trainedOn"/>.</summary>
        private async Task<string> ResumeElsewhere(ITrialGrain trial, string trainedOn)
        {
            var management = Grains.GetGrain<IManagementGrain>(0);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<TrialActivity>().ActiveTrials) > 0)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("check: paused trial activations did not go away within 60 s");
                }
                await management.ForceActivationCollection(TimeSpan.Zero);
                await Task.Delay(Poll, cancellationToken);
            }
            var other = cluster.Silos.First(s => s.SiloAddress.ToString() != trainedOn && !trainedOn.Contains(s.SiloAddress.ToString(), StringComparison.Ordinal));
            RequestContext.Set(IPlacementDirector.PlacementHintKey, other.SiloAddress);
            try
            {
                await trial.Resume(options.Epochs, 2);
                await WaitFor(trial, s => s.Status != TrialStatus.Paused || s.RunId >= 2, "the resume message");
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
            return other.SiloAddress.ToString();
        }

        private async Task<TrialSnapshot> WaitFor(ITrialGrain trial, Func<TrialSnapshot, bool> done, string what)
        {
            var deadline = DateTime.UtcNow + options.RunTimeout;
            while (true)
            {
                var snapshot = await trial.GetSnapshot();
                if (done(snapshot))
                {
                    return snapshot;
                }
                if (DateTime.UtcNow > deadline)
                {
                    // Stop it, so the silo's grace period abandons a run that ignores cancellation and frees its slot.
                    await trial.Stop("hpo check: time limit");
                    var abandonBy = DateTime.UtcNow + TimeSpan.FromSeconds(Math.Min(30, options.RunTimeout.TotalSeconds) + 10);
                    var after = snapshot;
                    while (after.Status == TrialStatus.Running && DateTime.UtcNow < abandonBy)
                    {
                        await Task.Delay(Poll, cancellationToken);
                        after = await trial.GetSnapshot();
                    }
                    throw new TimeoutException($"check: {what} did not finish within {options.RunTimeout.TotalSeconds:0.#} s (it was at epoch {snapshot.LastEpoch}" +
                        (after.Status == TrialStatus.Failed ? $"; then {after.Error})" : ")"));
                }
                await Task.Delay(Poll, cancellationToken);
            }
        }

        private static string Short(string silo) => silo;
    }
}
