using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Silo;

// Pause/resume cost on the embedded silo (real trial grain, file grain storage, local checkpoint store).
// For each checkpoint size: a trial trains epoch 1 and pauses (state persisted, activation gone); then the
// promotion message (ITrialGrain.Resume, what a rung sends after its decision) is sent at t0, and t1 is the moment
// the trainable's TrainEpoch(2) starts (its first batch). Compared with the raw read of the same checkpoint file
// (File.ReadAllBytes), read then SHA-256, and the local store's own TryOpen (read with the SHA-256 overlapped, and
// verified). Page cache warm for all. Medians over --repeats.
// Usage: dotnet run -c Release --project bench/OrleansHpo.Bench.Resume -- [--sizes-kb 1024,102400] [--repeats 7]
var sizes = Arg("--sizes-kb", "1024,102400").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
int repeats = int.Parse(Arg("--repeats", "7"), CultureInfo.InvariantCulture);
var root = Path.Combine(Path.GetTempPath(), "hpo-bench-resume", Guid.NewGuid().ToString("N")[..8]);
await using var silo = await EmbeddedSilo.StartAsync(new HpoSiloOptions
{
    StateDirectory = Path.Combine(root, "state"),
    WorkerSlots = 1,
    Device = "cpu",
    AdditionalTrainables = [new TimedFactory()],
});
var activity = silo.Services.GetRequiredService<TrialActivity>();
var store = silo.Services.GetRequiredService<OrleansHpo.Grains.Checkpoints.ICheckpointStore>();
var management = silo.GrainFactory.GetGrain<IManagementGrain>(0);
var report = new List<object>();
int seed = 0;
foreach (int kb in sizes)
{
    var resume = new List<double>();
    var read = new List<double>();
    var readHash = new List<double>();
    var storeOpen = new List<double>();
    for (int r = 0; r < repeats + 1; r++) // the first round warms up and is dropped
    {
        seed++;
        var experiment = $"resume-{kb}-{r}";
        var plan = new TrialPlan
        {
            Experiment = experiment, TrialId = 0, Trainable = "timed", Metric = "loss", Mode = Mode.Min,
            ResourceAttr = "epoch", Bracket = 0, Rungs = [], MaxT = 2, Seed = seed,
            Config = new() { ["checkpoint_kb"] = (long)kb, ["learning_rate"] = 0.01 },
            CheckpointRoot = Path.Combine(root, "checkpoints", experiment),
        };
        var trial = silo.GrainFactory.GetGrain<ITrialGrain>(TrialKeys.Of(experiment, 0));
        await trial.Start(plan, 1, 1);
        TrialSnapshot snapshot;
        while ((snapshot = await trial.GetSnapshot()).Status != TrialStatus.Paused)
        {
            await Task.Delay(10);
        }
        while (activity.ActiveTrials > 0)
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            await Task.Delay(10);
        }
        var file = snapshot.Checkpoint!.Uri;
        var watch = Stopwatch.StartNew();
        var bytes = File.ReadAllBytes(file);
        double readMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        _ = SHA256.HashData(File.ReadAllBytes(file));
        double readHashMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        using (var opened = store.TryOpen(snapshot.Checkpoint, out var problem) ?? throw new InvalidOperationException(problem))
        {
            _ = opened.Length;
        }
        double storeOpenMs = watch.Elapsed.TotalMilliseconds;

        long t0 = Stopwatch.GetTimestamp();
        await trial.Resume(2, 2);
        long t1;
        while (!TimedFactory.FirstBatch.TryGetValue((seed, 2), out t1))
        {
            await Task.Delay(1);
        }
        while ((await trial.GetSnapshot()).Status == TrialStatus.Running)
        {
            await Task.Delay(5);
        }
        if (r > 0)
        {
            resume.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            read.Add(readMs);
            readHash.Add(readHashMs);
            storeOpen.Add(storeOpenMs);
        }
        _ = bytes.Length;
    }
    report.Add(new
    {
        checkpoint_mb = Math.Round(kb / 1024.0, 2),
        repeats,
        promotion_to_first_batch_ms_median = Median(resume),
        raw_read_ms_median = Median(read),
        read_and_sha256_ms_median = Median(readHash),
        store_open_ms_median = Median(storeOpen),
        overhead_over_raw_read_ms = Math.Round(Median(resume) - Median(read), 2),
        samples_ms = resume.Select(v => Math.Round(v, 2)).ToArray(),
    });
}
Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
try
{
    Directory.Delete(root, recursive: true);
}
catch (IOException)
{
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : Math.Round(sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2, 2);
}

string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

/// <summary>The synthetic trainable, recording when each (seed, epoch) starts training.</summary>
internal sealed class TimedFactory : ITrainableFactory
{
    public static ConcurrentDictionary<(int Seed, int Epoch), long> FirstBatch { get; } = new();

    public string Name => "timed";

    public IReadOnlyList<string> MetricNames { get; } = ["loss", "accuracy"];

    public string Description => "synthetic, timing the start of each epoch";

    public ITrainable Create() => new Timed();

    private sealed class Timed : ITrainable
    {
        private readonly SyntheticTrainable _inner = new();
        private int _seed;

        public void Setup(TrialContext context)
        {
            _seed = context.Seed;
            _inner.Setup(context);
        }

        public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
        {
            FirstBatch.TryAdd((_seed, epoch), Stopwatch.GetTimestamp());
            return _inner.TrainEpoch(epoch, cancellationToken);
        }

        public void SaveCheckpoint(Stream destination) => _inner.SaveCheckpoint(destination);

        public void LoadCheckpoint(Stream source) => _inner.LoadCheckpoint(source);

        public void Dispose() => _inner.Dispose();
    }
}
