using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using OrleansHpo.Bench.Netns;

// Separate hosts on one machine (scripts/netns-cluster.sh): partitions, one-way cuts, slow links, kills, pauses.
//   chaos    --seed N [--duration 600] [--silos 3]   seeded random faults every 20-60 s, healed; then the invariants
//   latency  [--delays 0,50,200] [--duration 90]      trials per minute with MS added on every silo's link
//   check    --experiment DIR --logs A.log,B.log [--faults faults.csv] [--day yyyy-MM-dd] [--grace 30] [--tail N]
//   schedule --seed N [--duration 600] [--silos 3]   print the schedule a seed gives (replays are identical)
//   relay    --map LISTEN=IP:PORT ... --delay MS [--jitter MS] [--seed N]   (used by netns-cluster.sh delay)
string Opt(string name, string fallback)
{
    int i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
int IntOpt(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var mode = args.Length > 0 ? args[0] : "";
var repo = Path.GetFullPath(Opt("repo", FindRepository()));
var hpo = Path.GetFullPath(Opt("hpo", Path.Combine(repo, "artifacts", "hpo", "hpo.dll")));

switch (mode)
{
    case "relay":
        var maps = new List<(int, IPEndPoint)>();
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--map")
            {
                var parts = args[i + 1].Split('=');
                maps.Add((int.Parse(parts[0], CultureInfo.InvariantCulture), IPEndPoint.Parse(parts[1])));
            }
        }
        using (var stop = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
            await new DelayRelay(TimeSpan.FromMilliseconds(IntOpt("delay", 100)), TimeSpan.FromMilliseconds(IntOpt("jitter", 0)), IntOpt("seed", 1))
                .Run(maps, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        return 0;
    case "schedule":
        foreach (var f in FaultSchedule.Make(IntOpt("seed", 1), IntOpt("silos", 3), TimeSpan.FromSeconds(IntOpt("duration", 600))))
        {
            Console.WriteLine(FormattableString.Invariant($"+{f.After.TotalSeconds}s {string.Join(' ', f.Command)} for {f.Hold.TotalSeconds}s, then {string.Join(' ', f.Heal)}"));
        }
        return 0;
    case "check":
        var faults = Opt("faults", "") is { Length: > 0 } ff ? ReadFaults(ff) : [];
        var report = Invariants.Check(Opt("experiment", "."), Opt("logs", "").Split(',', StringSplitOptions.RemoveEmptyEntries), faults,
            DateTime.ParseExact(Opt("day", DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(IntOpt("grace", 30)), IntOpt("tail", 0));
        foreach (var line in report.Lines())
        {
            Console.WriteLine(line);
        }
        return report.Ok ? 0 : 1;
    case "chaos":
        return await Chaos();
    case "latency":
        return await Latency();
    default:
        Console.Error.WriteLine("usage: OrleansHpo.Bench.Netns chaos|latency|check|schedule|relay [options] (see Program.cs)");
        return 2;
}

async Task<int> Chaos()
{
    int seed = IntOpt("seed", 1);
    int silos = IntOpt("silos", 3);
    var duration = TimeSpan.FromSeconds(IntOpt("duration", 600));
    var schedule = FaultSchedule.Make(seed, silos, duration);
    var work = WorkFolder($"chaos-{seed}");
    Console.WriteLine($"# chaos seed {seed} (replay: --seed {seed}), {silos} silos, {duration.TotalSeconds} s, {schedule.Count} faults, work folder {work}, load average {Load()}");
    using var cluster = Cluster(work, seed);
    cluster.Start(silos, "--log-level", "Debug", "--reconcile-interval", "00:00:01", "--reminder-period", "00:00:02");
    const int workers = 6;
    var spec = Spec(work, "chaos", delayMs: 300, workers, $"\"max_wallclock_seconds\": {(int)duration.TotalSeconds + 20}");
    var client = cluster.Client(hpo, Path.Combine(work, "client.log"), "run", spec, "--cluster", cluster.Url, "--results-dir", Path.Combine(work, "results"));
    var day = DateTime.UtcNow.Date;
    var start = DateTime.UtcNow;
    var applied = new List<Fault>();
    var due = start;
    int revived = 0;
    void Revive()
    {
        // A silo its peers declared dead (a partition longer than failure detection) exits; a supervisor restarts it.
        var output = cluster.Fault("revive");
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            revived++;
            Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line} (it had exited: declared dead by its peers)");
        }
    }
    foreach (var step in schedule)
    {
        due += step.After;
        await Until(due); // the schedule itself, not synchronization
        Revive();
        var at = DateTime.UtcNow;
        cluster.Fault(step.Command);
        await Until(at + step.Hold);
        cluster.Fault(step.Heal);
        var healed = DateTime.UtcNow;
        Revive();
        applied.Add(new Fault(step.Kind, step.Target, at, healed));
        Console.WriteLine(FormattableString.Invariant($"{at:HH:mm:ss} {string.Join(' ', step.Command)} held {step.Hold.TotalSeconds:F0} s, {string.Join(' ', step.Heal)} at {healed:HH:mm:ss}"));
    }
    File.WriteAllLines(Path.Combine(work, "faults.csv"), applied.Select(f => FormattableString.Invariant($"{f.Kind},{f.Target},{f.Applied:O},{f.Healed:O}")));
    int exit = await WaitExit(client, duration + TimeSpan.FromMinutes(3) - (DateTime.UtcNow - start));
    Console.WriteLine($"client exit {exit}");
    var result = Invariants.Check(Path.Combine(work, "results", "chaos"), [.. Enumerable.Range(1, silos).Select(cluster.SiloLog)], applied, day,
        TimeSpan.FromSeconds(30), tailWithoutReports: workers);
    Console.WriteLine("faults by kind: " + string.Join(", ", FaultSchedule.Kinds.Select(k => $"{k} {applied.Count(f => f.Kind == k)}")) + $"; silos revived after being declared dead: {revived}");
    var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(work, "results", "chaos", "metadata.json")))!;
    Console.WriteLine($"trials started {metadata["num_trials_started"]}, reports {metadata["num_reports"]}, status {metadata["status"]}");
    foreach (var line in result.Lines())
    {
        Console.WriteLine(line);
    }
    Console.WriteLine($"load average at end {Load()}");
    return result.Ok && exit == 0 ? 0 : 1;
}

async Task<int> Latency()
{
    var delays = Opt("delays", "0,50,200").Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToList();
    var duration = IntOpt("duration", 90);
    Console.WriteLine($"# latency between silos, 3 silos, {duration} s each, load average {Load()}");
    Console.WriteLine("| added delay per silo link | trials per minute | reports per minute |");
    Console.WriteLine("| --- | --- | --- |");
    foreach (var delay in delays)
    {
        var work = WorkFolder($"latency-{delay}");
        using var cluster = Cluster(work, delay);
        cluster.Start(3);
        if (delay > 0)
        {
            for (int i = 1; i <= 3; i++)
            {
                cluster.Fault("delay", "s" + i, delay.ToString(CultureInfo.InvariantCulture));
            }
        }
        var spec = Spec(work, "lat", delayMs: 50, workers: 6, $"\"max_wallclock_seconds\": {duration}");
        var clock = Stopwatch.StartNew();
        var client = cluster.Client(hpo, Path.Combine(work, "client.log"), "run", spec, "--cluster", cluster.Url, "--results-dir", Path.Combine(work, "results"));
        int exit = await WaitExit(client, TimeSpan.FromSeconds(duration + 180));
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(work, "results", "lat", "metadata.json")))!;
        double minutes = metadata["elapsed_seconds"]!.GetValue<double>() / 60;
        int finished = metadata["num_trials_started"]!.GetValue<int>() - metadata["num_trials_running"]!.GetValue<int>();
        int reports = metadata["num_reports"]!.GetValue<int>();
        Console.WriteLine(FormattableString.Invariant($"| {delay} ms | {finished / minutes:F1} | {reports / minutes:F0} | (client exit {exit}, {clock.Elapsed.TotalSeconds:F0} s)"));
    }
    Console.WriteLine($"load average at end {Load()}");
    return 0;
}

NetnsCluster Cluster(string work, int salt)
{
    var relay = typeof(DelayRelay).Assembly.Location;
    // A prefix and subnet of this process's own: two benches (or a bench and a test) never share a namespace.
    int tag = (Environment.ProcessId + salt) % 200;
    return new NetnsCluster(repo, Path.Combine(work, "cluster"), $"hpob{tag}", $"10.232.{tag}", hpo, relay);
}

string WorkFolder(string name)
{
    var work = Path.Combine(Path.GetTempPath(), "netns", "bench", $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
    Directory.CreateDirectory(work);
    return work;
}

static string Spec(string dir, string name, int delayMs, int workers, string stop) =>
    new OrleansHpo.Testing.SyntheticSpec(name) { DelayMs = delayMs, Workers = workers, Seed = 4, Stop = stop, CheckpointEveryEpoch = true }.Write(dir);

static List<Fault> ReadFaults(string path) => [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => l.Split(','))
    .Select(c => new Fault(c[0], c[1], DateTime.Parse(c[2], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), DateTime.Parse(c[3], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)))];

static async Task Until(DateTime at)
{
    var wait = at - DateTime.UtcNow;
    if (wait > TimeSpan.Zero)
    {
        await Task.Delay(wait);
    }
}

static async Task<int> WaitExit(Process client, TimeSpan timeout)
{
    using var cts = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(1));
    try
    {
        await client.WaitForExitAsync(cts.Token);
        return client.ExitCode;
    }
    catch (OperationCanceledException)
    {
        client.Kill(entireProcessTree: true);
        return -1;
    }
}

static string Load() => File.ReadAllText("/proc/loadavg").Trim();

static string FindRepository()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
    {
        if (File.Exists(Path.Combine(d.FullName, "OrleansHpo.sln")))
        {
            return d.FullName;
        }
    }
    return Directory.GetCurrentDirectory();
}
