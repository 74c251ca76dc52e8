// Suggestion latency of MOBSTER ("bayesopt") and BOHB ("kde") vs the number of observations the model sees.
// For each size N: a fresh searcher is fed N observations of the synthetic fashion-mlp-like space (7 hyperparameters,
// ASHA-promotion-like data: most trials at level 1, fewer at 3 and 9), with 2 pending trials; its next Suggest runs one
// hyperparameter fit (timed apart) and the acquisition (posterior, fantasies, 250 candidates + local search). Repeated
// with R different seeds; medians printed. Usage: dotnet run -c Release -- [sizes=50,200,500] [repeats=3]
// Or `status [trials]`: status latency of a real embedded experiment while its bayesopt searcher fits (StatusDuringFit.cs).
using System.Diagnostics;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;
using OrleansHpo.ModelSearch.Bayesopt;
using OrleansHpo.ModelSearch.Kde;

if (args.Length > 0 && args[0] == "status")
{
    await OrleansHpo.Bench.ModelSearch.StatusDuringFit.Run(args[1..]);
    return;
}
var sizes = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [50, 200, 500];
var repeats = args.Length > 1 ? int.Parse(args[1]) : 3;
var space = new ConfigSpace(
[
    new("n_units_1", new RandIntDomain(4, 1024, true)),
    new("n_units_2", new RandIntDomain(4, 1024, true)),
    new("batch_size", new RandIntDomain(8, 128, false)),
    new("dropout_1", new UniformDomain(0, 0.99)),
    new("dropout_2", new UniformDomain(0, 0.99)),
    new("learning_rate", new LogUniformDomain(1e-6, 1)),
    new("weight_decay", new LogUniformDomain(1e-8, 1)),
    new("epochs", new FixedDomain(27L)),
]);
int[] rungs = [1, 3, 9];

Console.WriteLine($"processors: {Environment.ProcessorCount}; sizes {string.Join(",", sizes)}; repeats {repeats}");
// warm-up: JIT of the GP, MathNet and the searcher paths
{
    var warm = new BayesOptSearcher(space, Mode.Min, 99, [], new BayesOptOptions(), rungs, 27);
    var t0 = Feed(warm, 20, 99);
    warm.Suggest(t0, [t0 - 1]);
}
Console.WriteLine("searcher  | observations | fit ms wall | fit ms CPU | acquisition ms wall | acquisition ms CPU | fit evaluations (medians)");
var process = Process.GetCurrentProcess();
foreach (var n in sizes)
{
    var fits = new List<double>();
    var acqs = new List<double>();
    var cpu = new List<double>();
    var evals = new List<double>();
    for (var rep = 0; rep < repeats; rep++)
    {
        var searcher = new BayesOptSearcher(space, Mode.Min, rep, [], new BayesOptOptions(), rungs, 27);
        var trial = Feed(searcher, n, rep);
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var s = searcher.Suggest(trial, [trial - 1, trial - 2]);
        process.Refresh();
        cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
        evals.Add(searcher.LastFitEvaluations);
        if (s?.Source != "model")
        {
            throw new InvalidOperationException($"expected a model suggestion, got {s?.Source}");
        }
        fits.Add(searcher.LastFitMilliseconds);
        acqs.Add(searcher.LastAcquisitionMilliseconds);
    }
    // CPU of the whole Suggest, split between fit and acquisition in proportion to their wall times
    var fitCpu = cpu.Zip(fits, acqs).Select(t => t.First * t.Second / Math.Max(1e-9, t.Second + t.Third)).ToList();
    var acqCpu = cpu.Zip(fitCpu).Select(t => t.First - t.Second).ToList();
    Console.WriteLine($"bayesopt  | {n,12} | {Median(fits),11:F0} | {Median(fitCpu),10:F0} | {Median(acqs),19:F0} | {Median(acqCpu),18:F0} | {Median(evals),4:F0}");
}
foreach (var n in sizes)
{
    var times = new List<double>();
    var cpu = new List<double>();
    for (var rep = 0; rep < repeats; rep++)
    {
        var searcher = new KdeSearcher(space, Mode.Min, rep, [], new KdeOptions { RandomFraction = 0 }, [1, 3, 9, 27]);
        var trial = Feed(searcher, n, rep);
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        searcher.Suggest(trial, []);
        times.Add(sw.Elapsed.TotalMilliseconds);
        process.Refresh();
        cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
    }
    Console.WriteLine($"kde       | {n,12} | {"-",11} | {"-",10} | {Median(times),19:F1} | {Median(cpu),18:F1} |");
}

// Amortized: a stream as ASHA-promotion produces it (about 2 observations per new trial on this space): from 400 to 500
// observations, a Suggest after every 2 observations, with the default refit schedule; total CPU / suggestions.
{
    var searcher = new BayesOptSearcher(space, Mode.Min, 7, [], new BayesOptOptions(), rungs, 27);
    var t = Feed(searcher, 400, 7);
    var rng = new Random(7);
    var suggestions = 0;
    var fitsBefore = searcher.Fits;
    process.Refresh();
    var cpu0 = process.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    while (suggestions < 50)
    {
        var s = searcher.Suggest(t, [t - 1]) ?? throw new InvalidOperationException("exhausted");
        searcher.OnTrialStarted(t, s.Config);
        searcher.OnReport(t - 1, 1, rng.NextDouble() + 0.5);
        searcher.OnReport(t - 1, 3, rng.NextDouble() + 0.2);
        suggestions++;
        t++;
    }
    process.Refresh();
    Console.WriteLine($"bayesopt amortized, 400 -> 500 observations: {suggestions} suggestions, {searcher.Fits - fitsBefore} fits, " +
        $"{(process.TotalProcessorTime - cpu0).TotalMilliseconds / suggestions:F0} ms CPU and {sw.Elapsed.TotalMilliseconds / suggestions:F0} ms wall per suggestion");
}
return;

// N observations: trial t reports at level 1; every third also at 3; every ninth also at 9.
int Feed(ISearcher searcher, int n, int seed)
{
    var rng = new Random(seed);
    var count = 0;
    var t = 0;
    while (count < n)
    {
        var config = space.Sample(new Random(SeedHash.Combine(seed, t)));
        searcher.OnTrialStarted(t, config);
        var quality = rng.NextDouble();
        foreach (var r in rungs)
        {
            if (count >= n || (r == 3 && t % 3 != 0) || (r == 9 && t % 9 != 0))
            {
                break;
            }
            searcher.OnReport(t, r, quality + (0.5 / r));
            count++;
        }
        t++;
    }
    searcher.OnTrialStarted(t, space.Sample(new Random(SeedHash.Combine(seed, t))));
    searcher.OnTrialStarted(t + 1, space.Sample(new Random(SeedHash.Combine(seed, t + 1))));
    return t + 2;
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
}
