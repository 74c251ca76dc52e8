// Dashboard benchmark (docs/benchmarks.md, "Web dashboard"):
//   dotnet run -c Release --project bench/OrleansHpo.Bench.Dashboard -- [--hpo artifacts/hpo/hpo.dll] [--watch-seconds 30]
// 1. hpo simulate: a 10,000-trial promotion-ASHA experiment; hpo dashboard serves it (a child process).
// 2. JSON payload sizes (identity and brotli) and page load times in headless Chromium (cold, then 3 warm loads).
// 3. A running synthetic experiment (hpo run, 4 workers): the dashboard process's CPU for --watch-seconds with no browser,
//    then with 5 browser pages watching it live (5 contexts of one Chromium), from /proc/PID/stat.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Playwright;

if (args.Length > 0 && args[0] == "screenshot")
{
    // screenshot URL FILE.png [URL FILE.png ...]: full-page PNGs once the page has drawn (docs/img/).
    using var pw = await Playwright.CreateAsync();
    await using var b = await pw.Chromium.LaunchAsync(new() { ExecutablePath = Environment.GetEnvironmentVariable("HPO_CHROMIUM") ?? "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
    for (int i = 1; i + 1 < args.Length; i += 2)
    {
        var page = await (await b.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1180 } })).NewPageAsync();
        page.SetDefaultTimeout(120_000);
        await page.GotoAsync(args[i]);
        await page.WaitForFunctionAsync("() => (window.hpo && hpo.state && (hpo.state.chartsReady || hpo.state.trial)) || document.querySelectorAll('#experiments tbody tr').length > 0");
        await page.WaitForTimeoutAsync(1500); // let progressive rendering finish
        await page.ScreenshotAsync(new() { Path = args[i + 1], FullPage = false });
        Console.WriteLine($"{args[i]} -> {args[i + 1]}");
    }
    return 0;
}
var argsList = args.ToList();
string Arg(string name, string fallback) => argsList.IndexOf(name) is var i && i >= 0 && i + 1 < argsList.Count ? argsList[i + 1] : fallback;
var hpo = Path.GetFullPath(Arg("--hpo", "artifacts/hpo/hpo.dll"));
int watchSeconds = int.Parse(Arg("--watch-seconds", "30"), CultureInfo.InvariantCulture);
var chromium = Environment.GetEnvironmentVariable("HPO_CHROMIUM") ?? "/usr/bin/chromium";
var root = Path.Combine(Path.GetTempPath(), "hpo-bench-dashboard", Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(root);
var C = CultureInfo.InvariantCulture;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

var spec = new OrleansHpo.Testing.SyntheticSpec("bench")
{
    Epochs = 27,
    DelayMs = 100,
    MoreHyperparameters = true,
    Stop = "\"max_trials_started\": 10000",
}.Write(root);
var simulated = Path.Combine(root, "simulated");
Run(hpo, $"simulate {spec} --set n_workers=64 --results-dir {simulated}");
int rows = File.ReadLines(Path.Combine(simulated, "bench-sim", "results.csv")).Count() - 1;
Console.WriteLine($"experiment: 10,000 trials, {rows} reports (hpo simulate)");

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });

using (var server = Dashboard.Start(hpo, simulated))
{
    using var plain = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None });
    Console.WriteLine("\npayload                                       identity      brotli   first GET");
    foreach (var path in new[] { "api/experiments", "api/experiments/bench-sim", "api/experiments/bench-sim/reports?from=0", "api/experiments/bench-sim/trials/0" })
    {
        var clock = Stopwatch.StartNew();
        long identity = (await plain.GetByteArrayAsync(server.Url + path)).Length;
        var first = clock.Elapsed;
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url + path);
        request.Headers.Add("Accept-Encoding", "br");
        var response = await plain.SendAsync(request);
        long br = (await response.Content.ReadAsByteArrayAsync()).Length;
        Console.WriteLine($"{path,-44} {Kb(identity),10} {Kb(br),10} {first.TotalMilliseconds,8:F0} ms");
    }
    Console.WriteLine("\npage load (goto until the charts and the table are drawn)");
    foreach (var (label, path, ready) in new[] {
        ("experiments", "", "() => document.querySelectorAll('#experiments tbody tr').length > 0"),
        ("experiment (10,000 trials)", "e/bench-sim", "() => window.hpo && hpo.state && hpo.state.chartsReady && document.querySelectorAll('#trials tbody tr').length > 0"),
        ("trial", "e/bench-sim/t/0", "() => document.querySelectorAll('#reports tbody tr').length > 0") })
    {
        var times = new List<double>();
        for (int i = 0; i < 4; i++)
        {
            var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(120_000);
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(server.Url + path);
            await page.WaitForFunctionAsync(ready, null, new() { PollingInterval = 20 });
            times.Add(clock.Elapsed.TotalMilliseconds);
            await context.CloseAsync();
        }
        var warm = times.Skip(1).Order().ToList();
        Console.WriteLine($"{label,-28} cold {times[0],7:F0} ms, warm median {warm[1],7:F0} ms (3 loads)");
    }
}

// A running experiment, watched by 0 then 5 browsers.
var liveRoot = Path.Combine(root, "live");
var run = Start(hpo, $"run {spec} --set stop.max_wallclock_seconds={2 * watchSeconds + 60} --set name=live --results-dir {liveRoot} --quiet");
using (var server = Dashboard.Start(hpo, liveRoot))
{
    var csv = Path.Combine(liveRoot, "live", "results.csv");
    while (!File.Exists(csv) || File.ReadLines(csv).Count() < 5)
    {
        await Task.Delay(200);
    }
    var idle = await Cpu(server.Process, watchSeconds);
    int before = File.ReadLines(csv).Count();
    var pages = new List<IPage>();
    for (int i = 0; i < 5; i++)
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(120_000);
        await page.GotoAsync(server.Url + "e/live");
        await page.WaitForFunctionAsync("() => window.hpo && hpo.state && hpo.state.chartsReady");
        pages.Add(page);
    }
    var watched = await Cpu(server.Process, watchSeconds);
    int after = File.ReadLines(csv).Count();
    var updates = new List<int>();
    foreach (var page in pages)
    {
        updates.Add(await page.EvaluateAsync<int>("() => hpo.updates"));
    }
    Console.WriteLine($"\nrunning experiment: {after - before} reports written while watched ({watchSeconds} s windows)");
    Console.WriteLine($"dashboard CPU, no browser:   {idle:P1} of one core");
    Console.WriteLine($"dashboard CPU, 5 browsers:   {watched:P1} of one core (live updates per page: {string.Join(", ", updates)})");
}
try
{
    File.WriteAllText(Path.Combine(liveRoot, "live", "stop-request"), "benchmark done");
    run.WaitForExit(60_000);
}
finally
{
    if (!run.HasExited)
    {
        run.Kill(entireProcessTree: true);
    }
}
Directory.Delete(root, recursive: true);
return 0;

static string Kb(long bytes) => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB";

static void Run(string hpo, string arguments)
{
    using var p = Start(hpo, arguments);
    p.WaitForExit();
    if (p.ExitCode != 0)
    {
        throw new InvalidOperationException($"hpo {arguments} exited {p.ExitCode}");
    }
}

static Process Start(string hpo, string arguments)
{
    var info = new ProcessStartInfo("dotnet", $"{hpo} {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    var p = Process.Start(info)!;
    p.ErrorDataReceived += (_, _) => { };
    p.BeginErrorReadLine();
    return p;
}

static async Task<double> Cpu(Process process, int seconds)
{
    static double Ticks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture); // utime + stime
    }
    double start = Ticks(process.Id);
    var clock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    return (Ticks(process.Id) - start) / 100.0 / clock.Elapsed.TotalSeconds; // USER_HZ = 100
}

/// <summary><c>hpo dashboard --port 0</c> as a child process; its URL is read from its first output line.</summary>
internal sealed class Dashboard : IDisposable
{
    public required Process Process { get; init; }

    public required string Url { get; init; }

    public static Dashboard Start(string hpo, string root)
    {
        var info = new ProcessStartInfo("dotnet", $"{hpo} dashboard --results-dir {root} --port 0") { RedirectStandardOutput = true, UseShellExecute = false };
        var p = Process.Start(info)!;
        var line = p.StandardOutput.ReadLine() ?? throw new InvalidOperationException("hpo dashboard printed nothing");
        return new Dashboard { Process = p, Url = line["dashboard: ".Length..].Trim() };
    }

    public void Dispose()
    {
        Process.Kill();
        Process.WaitForExit();
        Process.Dispose();
    }
}
