using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

// Cluster benchmarks of issue 4 on real processes: redis-server, N `hpo silo` processes and an `hpo run --cluster`
// client, all on loopback.
//   chaos      kill -9 one silo (round robin) every --interval seconds for --duration seconds, restart it once the
//              cluster declared it dead; per kill: failure-detection time (kill -> membership row Dead in Redis) and
//              recovery time (kill -> the last of its trials logs "recovers from" on a surviving silo, i.e. trains
//              again); at the end: trials lost, duplicate (trial, epoch) reports, epochs recomputed per hit trial.
//   throughput the same zero-delay synthetic spec on --silos N; trials/s and reports/s of the whole run.
//   ops        storage operations per trial lifecycle: the store's own request counts and server-side time (Redis
//              INFO commandstats; Azurite's request log) while --silos N idle for 30 s, then during a --trials N
//              experiment; per trial = (run - idle rate x run time) / trials.
// usage: dotnet OrleansHpo.Bench.Cluster.dll chaos|throughput [--backend redis|azurite] [--silos 3] [--duration 300]
//        [--interval 60] [--delay-ms 200] [--trials 300] [--slots 2] [--hpo artifacts/hpo/hpo.dll]
// --backend: the cluster's store, a real redis-server or Azurite (Azure Storage), started on free loopback ports.
var mode = args.Length > 0 ? args[0] : "chaos";
string Opt(string name, string fallback)
{
    int i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
int silos = int.Parse(Opt("silos", "3"), CultureInfo.InvariantCulture);
var hpo = Path.GetFullPath(Opt("hpo", "artifacts/hpo/hpo.dll"));
if (!File.Exists(hpo))
{
    Console.Error.WriteLine($"error: no {hpo}; run ./hpo --help once to build it, or pass --hpo PATH");
    return 2;
}

var backend = Opt("backend", "redis");
// Backend and pid in the name: two runs started in the same second (both backends side by side) get their own folder.
var work = Path.Combine(Path.GetTempPath(), "hpo-bench-cluster",
    $"{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{backend}-{Environment.ProcessId}");
Directory.CreateDirectory(work);
var id = "bench" + Guid.NewGuid().ToString("N")[..8];
Console.WriteLine($"# {mode} on {backend}, {silos} silo(s), work folder {work}, load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");

using var cluster = new BenchCluster(work, id, silos, hpo, int.Parse(Opt("slots", mode == "throughput" ? "6" : "2"), CultureInfo.InvariantCulture), backend,
    logRequests: mode == "ops");
int code = mode switch
{
    "chaos" => await Chaos(cluster),
    "throughput" => await Throughput(cluster),
    "ops" => await Ops(cluster),
    _ => Usage(),
};
Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
return code;

static int Usage()
{
    Console.Error.WriteLine("usage: OrleansHpo.Bench.Cluster chaos|throughput [--backend redis|azurite] [--silos N] [--duration S] [--interval S] [--delay-ms MS] [--trials N] [--slots N] [--hpo hpo.dll]");
    return 2;
}

string Spec(string name, int delayMs, int epochs, int workers, string stop, bool everyEpoch) =>
    new OrleansHpo.Testing.SyntheticSpec(name) { DelayMs = delayMs, Epochs = epochs, Workers = workers, Seed = 4, Stop = stop, CheckpointEveryEpoch = everyEpoch }.Write(work);

async Task<int> Throughput(BenchCluster c)
{
    int trials = int.Parse(Opt("trials", "300"), CultureInfo.InvariantCulture);
    var spec = Spec("tp", 0, 9, 6, $"\"max_trials_started\": {trials}", everyEpoch: false);
    var clock = Stopwatch.StartNew();
    var exit = await c.RunClient(spec, TimeSpan.FromMinutes(20));
    var seconds = clock.Elapsed.TotalSeconds;
    var rows = Results.Read(Path.Combine(work, "results", "tp", "results.csv"));
    Console.WriteLine($"client exit {exit}; {trials} trials, {rows.Count} reports in {seconds:F1} s (client start to exit): {trials / seconds:F2} trials/s, {rows.Count / seconds:F1} reports/s");
    return exit;
}

async Task<int> Ops(BenchCluster c)
{
    int trials = int.Parse(Opt("trials", "60"), CultureInfo.InvariantCulture);
    int delay = int.Parse(Opt("delay-ms", "100"), CultureInfo.InvariantCulture);
    var spec = Spec("ops", delay, 9, 2 * silos, $"\"max_trials_started\": {trials}", everyEpoch: false);
    var start = await StoreOperations.Snapshot(c.Store);
    var idleClock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(30)); // the idle period measured, not synchronization
    var idleEnd = await StoreOperations.Snapshot(c.Store);
    double idleSeconds = idleClock.Elapsed.TotalSeconds;
    var clock = Stopwatch.StartNew();
    var exit = await c.RunClient(spec, TimeSpan.FromMinutes(20));
    double runSeconds = clock.Elapsed.TotalSeconds;
    var end = await StoreOperations.Snapshot(c.Store);
    var idle = StoreOperations.Delta(idleEnd, start);
    var run = StoreOperations.Delta(end, idleEnd);
    var rows = Results.Read(Path.Combine(work, "results", "ops", "results.csv"));
    var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(work, "results", "ops", "metadata.json")))!;
    long idleCalls = idle.Values.Sum(k => k.Calls);
    long runCalls = run.Values.Sum(k => k.Calls);
    double perTrial = (runCalls - idleCalls / idleSeconds * runSeconds) / trials;
    Console.WriteLine(FormattableString.Invariant(
        $"client exit {exit}; {trials} trials, {rows.Count} reports, {metadata["num_promotions"]} promotions in {runSeconds:F1} s; idle: {idleCalls / idleSeconds:F1} requests/s"));
    double perReport = (runCalls - idleCalls / idleSeconds * runSeconds) / Math.Max(1, rows.Count);
    double meanMs = run.Values.Sum(k => k.TotalMs) / Math.Max(1, runCalls);
    Console.WriteLine(FormattableString.Invariant(
        $"requests during the run: {runCalls} ({runCalls / runSeconds:F1}/s); per trial, idle traffic removed: {perTrial:F1}; per report: {perReport:F2}; mean server time {meanMs:F2} ms"));
    Console.WriteLine("| request | during the run | per trial | mean server time (ms) | idle (per s) |");
    Console.WriteLine("| --- | --- | --- | --- | --- |");
    foreach (var (kind, k) in run.OrderByDescending(kv => kv.Value.Calls))
    {
        Console.WriteLine(FormattableString.Invariant(
            $"| {kind} | {k.Calls} | {(double)k.Calls / trials:F2} | {k.TotalMs / k.Calls:F2} | {(idle.TryGetValue(kind, out var i) ? i.Calls / idleSeconds : 0):F2} |"));
    }
    return exit;
}

async Task<int> Chaos(BenchCluster c)
{
    int duration = int.Parse(Opt("duration", "300"), CultureInfo.InvariantCulture);
    int interval = int.Parse(Opt("interval", "60"), CultureInfo.InvariantCulture);
    int delay = int.Parse(Opt("delay-ms", "200"), CultureInfo.InvariantCulture);
    int workers = 2 * silos;
    var spec = Spec("chaos", delay, 9, workers, $"\"max_wallclock_seconds\": {duration + 20}", everyEpoch: true);
    var client = c.StartClient(spec);
    var csv = Path.Combine(work, "results", "chaos", "results.csv");
    var checkpoints = Path.Combine(work, "results", "chaos", "checkpoints");
    await Poll(() => File.Exists(csv) && File.ReadLines(csv).Skip(1).Any(), TimeSpan.FromMinutes(2), "the first report");
    var start = DateTime.UtcNow;
    var recomputed = new List<int>();
    Console.WriteLine("| kill | silo | detection (s) | recovery (s) | trials recovered | epochs recomputed (max, incl. the interrupted one) |");
    Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
    for (int k = 1; k * interval <= duration; k++)
    {
        var due = start + TimeSpan.FromSeconds(k * interval);
        if (due > DateTime.UtcNow)
        {
            await Task.Delay(due - DateTime.UtcNow); // the chaos schedule itself, not synchronization
        }
        int victim = (k - 1) % silos;
        var survivors = Enumerable.Range(0, silos).Where(i => i != victim).ToArray();
        var offsets = survivors.ToDictionary(i => i, i => c.LogLength(i));
        var killedAt = c.Kill(victim);
        var snapshot = Checkpoints.Newest(c.Store, c.ServiceId, "chaos", checkpoints); // the victim writes nothing more: what it had completed
        var detected = await c.WaitDead(victim, TimeSpan.FromSeconds(60));
        // Its trials: every "recovers from" a survivor logs after the kill (only a lost run is recovered).
        // Recovered = no new one for 5 s after the last (or 20 s after detection with none).
        var recovered = new Dictionary<int, (DateTime At, int FromEpoch)>();
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(recovered.Count == 0 ? 20 : 5))
        {
            foreach (var i in survivors)
            {
                foreach (var line in c.LogSince(i, offsets[i]))
                {
                    if (Log.Recovery(line, killedAt.Date) is { } r && !recovered.ContainsKey(r.Trial))
                    {
                        recovered[r.Trial] = (r.At, r.FromEpoch);
                        quietSince = DateTime.UtcNow;
                    }
                }
            }
            await Task.Delay(200);
        }
        c.Start(victim);
        var hit = recovered.Select(kv => snapshot.GetValueOrDefault(kv.Key) - kv.Value.FromEpoch + 1).ToList();
        recomputed.AddRange(hit);
        var recovery = recovered.Count > 0 ? (recovered.Values.Max(v => v.At) - killedAt).TotalSeconds : double.NaN;
        Console.WriteLine(FormattableString.Invariant(
            $"| {k} | {victim} | {(detected - killedAt).TotalSeconds:F2} | {recovery:F2} | {recovered.Count} | {(hit.Count > 0 ? hit.Max() : 0)} |"));
        await c.WaitReady(victim);
    }
    int exit;
    try
    {
        exit = await c.Wait(client, TimeSpan.FromMinutes(3));
    }
    catch (OperationCanceledException)
    {
        exit = -1; // did not finish: report what the results folder holds (metadata says what is still running)
        Console.WriteLine("the experiment did not finish within 3 minutes of the last kill");
    }
    var rows = Results.Read(csv);
    var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(work, "results", "chaos", "metadata.json")))!;
    int started = metadata["num_trials_started"]!.GetValue<int>();
    int duplicates = rows.Count - rows.Distinct().Count();
    var byTrial = rows.GroupBy(r => r.Trial).ToDictionary(g => g.Key, g => g.Select(r => r.Epoch).Distinct().Order().ToList());
    // Lost: a gap in a trial's epochs, or no report at all from a trial that was not among the last n_workers started
    // (those may be stopped by the wall-clock criterion before their first epoch).
    int gaps = byTrial.Count(kv => !kv.Value.SequenceEqual(Enumerable.Range(1, kv.Value.Count)));
    int missing = Enumerable.Range(0, Math.Max(0, started - workers)).Count(t => !byTrial.ContainsKey(t));
    Console.WriteLine($"client exit {exit}; status {metadata["status"]}, running {metadata["num_trials_running"]}; {started} trials started, {rows.Count} reports");
    Console.WriteLine($"trials lost: {gaps + missing} (epoch gaps {gaps}, missing {missing}); duplicate (trial, epoch) reports: {duplicates}; " +
        $"hit trials: {recomputed.Count}, epochs recomputed per hit trial (incl. the interrupted one): max {(recomputed.Count > 0 ? recomputed.Max() : 0)}, mean {(recomputed.Count > 0 ? recomputed.Average() : 0):F2} (each: {string.Join(' ', recomputed)})");
    return exit;
}

static async Task Poll(Func<bool> condition, TimeSpan timeout, string what)
{
    var deadline = DateTime.UtcNow + timeout;
    while (!condition())
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }
        await Task.Delay(100);
    }
}
