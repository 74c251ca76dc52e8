using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Silo;

// Scheduler throughput on the embedded silo: synthetic trainable at zero delay, so everything measured is
// OrleansHpo's own overhead (grain calls, rung decisions, state writes, results.csv).
// Usage: dotnet run -c Release --project bench/OrleansHpo.Bench -- [--trials 1000] [--workers 8] [--scheduler asha-promotion|asha-stopping] [--max-t 27]
//        dotnet run -c Release --project bench/OrleansHpo.Bench -- --state-growth [--epochs 1000]
//        (bytes per trial-state write against the epoch, for one long trial: StateGrowth.cs)
if (args.Contains("--state-growth"))
{
    await OrleansHpo.Bench.StateGrowth.Run(Arg("--epochs", 1000));
    return;
}
var trials = Arg("--trials", 1000);
var workers = Arg("--workers", 8);
var maxT = Arg("--max-t", 27);
var scheduler = ArgS("--scheduler", "asha-promotion");
var variant = scheduler.EndsWith("stopping", StringComparison.Ordinal) ? "stopping" : "promotion";

var dir = Path.Combine(Path.GetTempPath(), "hpo-bench", Guid.NewGuid().ToString("N")[..8]);
var name = "bench";
var spec = $$"""
{
  "name": "{{name}}",
  "trainable": "synthetic",
  "config_space": {
    "learning_rate": { "type": "loguniform", "lower": 0.0001, "upper": 1.0 },
    "width": { "type": "randint", "lower": 8, "upper": 512, "log": true },
    "momentum": { "type": "uniform", "lower": 0.0, "upper": 0.99 },
    "epochs": {{maxT}}
  },
  "metric": "loss", "mode": "min", "max_resource_attr": "epochs",
  "scheduler": { "type": "asha", "variant": "{{variant}}", "grace_period": 1, "reduction_factor": 3 },
  "searcher": { "type": "random", "seed": 1 },
  "n_workers": {{workers}},
  "stop": { "max_trials_started": {{trials}} }
}
""";

var latencies = new List<double>();
// --state-bytes: also the largest state write and the total bytes written of each grain kind (experiment, rung,
// trial), to show what bounds them.
var stateBytes = args.Contains("--state-bytes") ? new Dictionary<string, long>() : null;
var stateTotals = new Dictionary<string, long>();
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, l) =>
{
    if (instrument.Meter.Name == HpoMetrics.MeterName
        && (instrument.Name == "hpo.decision.latency" || (stateBytes is not null && instrument.Name == "hpo.state.write_bytes")))
    {
        l.EnableMeasurementEvents(instrument);
    }
};
listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
{
    foreach (var tag in tags)
    {
        if (tag.Key == "state" && tag.Value is string kind)
        {
            lock (stateBytes!)
            {
                stateBytes[kind] = Math.Max(value, stateBytes.GetValueOrDefault(kind));
                stateTotals[kind] = stateTotals.GetValueOrDefault(kind) + value;
            }
        }
    }
});
listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
{
    lock (latencies)
    {
        latencies.Add(value);
    }
});
listener.Start();

var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
await using (var silo = await EmbeddedSilo.StartAsync(new HpoSiloOptions { StateDirectory = Path.Combine(dir, name, "state"), WorkerSlots = workers }))
{
    var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(name);
    var parsed = OrleansHpo.Core.Spec.SpecParser.Parse(spec);
    var clock = Stopwatch.StartNew();
    await experiment.Start(new StartExperimentRequest(parsed.Spec!.SourceJson, Path.Combine(dir, name)));
    ExperimentStatus status;
    while ((status = await experiment.GetStatus()).Phase is not (ExperimentPhase.Completed or ExperimentPhase.Failed))
    {
        await Task.Delay(20);
    }
    var seconds = clock.Elapsed.TotalSeconds;
    // Let paused trials finish deactivating, then measure what the silo holds.
    var activity = silo.Services.GetRequiredService<TrialActivity>();
    var settle = Stopwatch.StartNew();
    while (activity.ActiveTrials > 0 && settle.Elapsed < TimeSpan.FromSeconds(30))
    {
        await Task.Delay(50);
    }
    var managed = GC.GetTotalMemory(forceFullCollection: true);
    using var process = Process.GetCurrentProcess();
    latencies.Sort();
    double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        scheduler,
        trials,
        workers,
        max_t = maxT,
        seconds = Math.Round(seconds, 2),
        reports = status.Reports,
        reports_per_second = Math.Round(status.Reports / seconds),
        trials_per_second = Math.Round(trials / seconds, 1),
        promotions = status.Promotions,
        paused = status.Paused,
        decisions = latencies.Count,
        decision_p50_ms = Math.Round(P(0.5), 3),
        decision_p99_ms = Math.Round(P(0.99), 3),
        active_trial_activations_after = activity.ActiveTrials,
        managed_heap_mb_after = Math.Round(managed / 1048576.0, 1),
        managed_heap_mb_before = Math.Round(memoryBefore / 1048576.0, 1),
        working_set_mb = Math.Round(process.WorkingSet64 / 1048576.0, 1),
        max_state_write_bytes = stateBytes,
        total_state_bytes_written = stateBytes is null ? null : stateTotals,
    }));
}
Directory.Delete(dir, recursive: true);

int Arg(string flag, int fallback)
{
    var i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

string ArgS(string flag, string fallback)
{
    var i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
