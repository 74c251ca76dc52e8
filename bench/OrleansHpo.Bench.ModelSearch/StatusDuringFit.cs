using System.Diagnostics;
using OrleansHpo.Core.Spec;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.ModelSearch.Providers;
using OrleansHpo.Silo;

namespace OrleansHpo.Bench.ModelSearch;

/// <summary>
/// Does a model fit block the experiment? An embedded silo runs the synthetic trainable (10 ms epochs, 4 workers,
/// ASHA promotion, 27 epochs) with the "bayesopt" searcher until N trials have started, so fits grow to the data cap.
/// Meanwhile a client calls <see cref="IExperimentGrain.GetStatus"/> every 10 ms and times each call. A status query
/// is answered during a fit (the fit runs off the grain scheduler; GetStatus interleaves), so its latency is that of
/// a grain call on a busy machine, not that of a fit. Printed: status latency percentiles and max, the reports
/// recorded per second while the run lasted, and the number of suggestions from the model.
/// Usage: dotnet OrleansHpo.Bench.ModelSearch.dll status [trials=120]
/// </summary>
public static class StatusDuringFit
{
    public static async Task Run(string[] args)
    {
        var trials = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 120;
        var dir = Path.Combine(Path.GetTempPath(), "hpo-bench-status", Guid.NewGuid().ToString("N")[..8]);
        const string name = "status";
        var spec = new OrleansHpo.Testing.SyntheticSpec(name)
        {
            Epochs = 27,
            DelayMs = 10,
            MoreHyperparameters = true,
            Searcher = "bayesopt",
            Stop = $"\"max_trials_started\": {trials}",
        }.Json();
        var options = new HpoSiloOptions { StateDirectory = Path.Combine(dir, name, "state"), WorkerSlots = 4 };
        options.AdditionalSearcherProviders.AddRange(ModelSearchProviders.All());
        await using var silo = await EmbeddedSilo.StartAsync(options);
        var experiment = silo.GrainFactory.GetGrain<IExperimentGrain>(name);
        var parsed = SpecParser.Parse(spec);
        var clock = Stopwatch.StartNew();
        await experiment.Start(new StartExperimentRequest(parsed.Spec!.SourceJson, Path.Combine(dir, name)));
        var latencies = new List<double>();
        ExperimentStatus status;
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            status = await experiment.GetStatus();
            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            if (status.Phase is ExperimentPhase.Completed or ExperimentPhase.Failed)
            {
                break;
            }
            await Task.Delay(10);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        var model = File.ReadLines(Path.Combine(dir, name, "results.csv")).Skip(1)
            .Where(l => l.EndsWith(",model", StringComparison.Ordinal)).Select(l => l.Split(',')[0]).Distinct().Count();
        var reports = File.ReadLines(Path.Combine(dir, name, "results.csv")).Count() - 1;
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine($"status during bayesopt fits: {latencies.Count} GetStatus calls over {seconds:0.0} s; latency p50 {P(0.5):0.0} ms, p99 {P(0.99):0.0} ms, max {latencies[^1]:0.0} ms; " +
                          $"{trials} trials ({model} from the model), {reports} reports ({reports / seconds:0} per s); load average {load}");
        Directory.Delete(dir, recursive: true);
    }
}
