using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using OrleansHpo.Core.Checkpoints;
using OrleansHpo.Core.Spec;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Silo;

// Checkpoint budget benchmarks (issue 5).
//   score:    time to score 1,000 paused trials (speculative removal), median and worst of many repetitions.
//   policies: the same spec, seeds and budget under removal none / speculative / by_level / random on the embedded
//             silo; prints checkpoint disk high-water marks and cost_resources (epochs retrained) as a markdown table.
// Usage: dotnet run -c Release --project bench/OrleansHpo.Bench.Checkpoints -- score [--trials 1000] [--reps 200]
//        dotnet run -c Release --project bench/OrleansHpo.Bench.Checkpoints -- policies [--spec samples/synthetic/checkpoint-budget.json] [--seeds 1,2,3] [--max 10]
var mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "score";
if (mode == "score")
{
    Score(Arg("--trials", 1000), Arg("--reps", 200));
}
else
{
    await Policies(ArgS("--spec", "samples/synthetic/checkpoint-budget.json"), ArgS("--seeds", "1,2,3"), Arg("--max", 10));
}

void Score(int trials, int reps)
{
    // Three rungs as ASHA (eta 3) fills them: ~2/3 of the paused trials at level 1, ~1/4 at 3, the rest at 9.
    var spec = new CheckpointSpec { Removal = CheckpointRemoval.Speculative, MaxNumCheckpoints = 10 };
    var budget = new CheckpointBudget(spec, Mode.Min, 1);
    var random = new Random(7);
    var levels = new[] { 1, 3, 9 };
    for (int t = 0; t < trials; t++)
    {
        double u = random.NextDouble();
        int level = u < 0.67 ? 1 : u < 0.92 ? 3 : 9;
        var rung = new RungKey(0, level);
        budget.OnStarted(t);
        budget.OnArrival(t, rung, 1.0 / 3.0, random.NextDouble());
        budget.OnPaused(t, rung);
    }
    var times = new List<double>();
    int scored = 0;
    for (int i = 0; i < reps + 10; i++)
    {
        var clock = Stopwatch.StartNew();
        scored = budget.ScoreAll(1.0).Count;
        if (i >= 10)
        {
            times.Add(clock.Elapsed.TotalMilliseconds); // the first 10 are warm-up (JIT)
        }
    }
    times.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"scored {scored} paused trials (levels {string.Join('/', levels)}, approx_steps {spec.ApproxSteps}, beta 1): median {times[times.Count / 2]:F2} ms, p95 {times[(int)(times.Count * 0.95)]:F2} ms, max {times[^1]:F2} ms over {reps} repetitions"));
}

async Task Policies(string specPath, string seedList, int max)
{
    var seeds = seedList.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    var baseJson = await File.ReadAllTextAsync(specPath);
    var dir = Path.Combine(Path.GetTempPath(), "hpo-bench-ckpt", Guid.NewGuid().ToString("N")[..8]);
    Console.WriteLine("| removal | seed | trials | promotions | removed | resumed w/o ckpt | cost_resources (epochs) | high-water files | high-water MiB | paused high-water | best loss | seconds |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
    var totals = new Dictionary<string, (double Cost, double Files, double Bytes, double Best, int Runs)>();
    foreach (var removal in new[] { "none", "speculative", "by_level", "random" })
    {
        foreach (var seed in seeds)
        {
            string name = $"ckpt-{removal.Replace('_', '-')}-{seed}";
            // removal none keeps max_num_checkpoints but never enforces it: the unconstrained reference.
            string[] overrides = [$"name={name}", $"searcher.seed={seed}", $"checkpoints.removal={removal}", $"checkpoints.max_num_checkpoints={max}"];
            var parsed = SpecParser.Parse(baseJson, overrides);
            if (!parsed.Ok)
            {
                throw new InvalidOperationException(string.Join("; ", parsed.Errors));
            }
            var results = Path.Combine(dir, name);
            var clock = Stopwatch.StartNew();
            ExperimentStatus status;
            await using (var silo = await EmbeddedSilo.StartAsync(new HpoSiloOptions { StateDirectory = Path.Combine(results, "state"), WorkerSlots = parsed.Spec!.NWorkers }))
            {
                var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(name);
                await experiment.Start(new StartExperimentRequest(parsed.Spec.SourceJson, results));
                while ((status = await experiment.GetStatus()).Phase is not (ExperimentPhase.Completed or ExperimentPhase.Failed))
                {
                    await Task.Delay(100);
                }
            }
            var meta = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(results, "metadata.json")))!;
            long cost = (long)meta["cost_resources"]!;
            int files = (int)meta["checkpoint_high_water_files"]!;
            long bytes = (long)meta["checkpoint_high_water_bytes"]!;
            double best = status.BestValue ?? double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {removal} | {seed} | {status.Started} | {status.Promotions} | {(int)meta["num_checkpoints_removed"]!} | {(int)meta["num_trials_resumed_without_checkpoint"]!} | {cost} | {files} | {bytes / 1048576.0:F1} | {(int)meta["checkpoint_high_water_paused_trials"]!} | {best:F4} | {clock.Elapsed.TotalSeconds:F1} |"));
            var t = totals.GetValueOrDefault(removal);
            totals[removal] = (t.Cost + cost, t.Files + files, t.Bytes + bytes, t.Best + best, t.Runs + 1);
            Directory.Delete(results, recursive: true);
        }
    }
    Console.WriteLine();
    Console.WriteLine("| removal | mean cost_resources (epochs) | mean high-water files | mean high-water MiB | mean best loss |");
    Console.WriteLine("|---|---|---|---|---|");
    foreach (var (removal, t) in totals)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {removal} | {t.Cost / t.Runs:F1} | {t.Files / t.Runs:F1} | {t.Bytes / t.Runs / 1048576.0:F1} | {t.Best / t.Runs:F4} |"));
    }
    Directory.Delete(dir, recursive: true);
}

int Arg(string flag, int fallback)
{
    var i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

string ArgS(string flag, string fallback)
{
    var i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
