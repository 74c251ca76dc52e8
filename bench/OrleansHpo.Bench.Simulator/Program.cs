// Simulator speed (issue 6): simulated trials per second of wall time for 10,000 trials on 64 simulated workers,
// per scheduler, on the synthetic benchmark (samples/synthetic/*.json). Writes a markdown table to stdout.
// Usage: dotnet run -c Release --project bench/OrleansHpo.Bench.Simulator -- [TRIALS] [WORKERS] [REPEATS]
using System.Diagnostics;
using System.Globalization;
using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Simulator;

int trials = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
int workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
int repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var samples = Path.Combine(FindRoot(), "samples", "synthetic");
var output = Path.Combine(Path.GetTempPath(), "hpo-bench-simulator");

Console.WriteLine($"| spec | trials | workers | reports | simulated s | wall s (best of {repeats}) | trials/s |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var name in new[] { "asha-promotion", "asha-stopping", "hyperband-promotion", "sync-hyperband", "random-search" })
{
    var parsed = SpecParser.Parse(File.ReadAllText(Path.Combine(samples, name + ".json")),
        [$"n_workers={workers}", $"stop.max_trials_started={trials}", "stop.max_wallclock_seconds=1000000000"]);
    if (!parsed.Ok)
    {
        throw new InvalidOperationException(string.Join("; ", parsed.Errors));
    }
    SimulationResult? best = null;
    double bestWall = double.MaxValue;
    for (int r = 0; r < repeats; r++)
    {
        var clock = Stopwatch.StartNew(); // the whole run: setup, events, results.csv and metadata.json
        var result = new Simulation(parsed.Spec!, new SyntheticTrainableFactory(), Simulation.DelayMsTimer(1.0)).Run(Path.Combine(output, name));
        double wall = clock.Elapsed.TotalSeconds;
        if (wall < bestWall)
        {
            bestWall = wall;
            best = result;
        }
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {best!.Started} | {workers} | {best.Reports} | {best.SimulatedSeconds:F1} | {bestWall:F2} | {best.Started / bestWall:F0} |"));
}

static string FindRoot()
{
    var dir = AppContext.BaseDirectory;
    while (dir is not null && !File.Exists(Path.Combine(dir, "OrleansHpo.sln")))
    {
        dir = Path.GetDirectoryName(dir);
    }
    return dir ?? throw new InvalidOperationException("run from inside the repository");
}
