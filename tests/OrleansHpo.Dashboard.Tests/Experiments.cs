using OrleansHpo.Client;
using OrleansHpo.Testing;

namespace OrleansHpo.Dashboard.Tests;

/// <summary>Synthetic experiments for the dashboard tests, run in this process through the hpo command line.</summary>
internal static class Experiments
{
    public static string TempDir(string label)
    {
        var dir = Path.Combine(Path.GetTempPath(), "hpo-dashboard-tests", label + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A synthetic spec: promotion ASHA (grace 1, eta 3, max_t 9), 4 workers, <paramref name="trials"/> trials.</summary>
    public static string Spec(string dir, string name, int trials, int delayMs, double wallclockSeconds = 600) =>
        new SyntheticSpec(name)
        {
            DelayMs = delayMs,
            Activation = true,
            Seed = 7,
            Stop = FormattableString.Invariant($"\"max_trials_started\": {trials}, \"max_wallclock_seconds\": {wallclockSeconds}"),
        }.Write(dir);

    /// <summary>Runs an experiment to its end in this process; returns hpo's exit code and output.</summary>
    public static async Task<(int Code, string Output, string Error)> Run(string root, string spec, params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HpoCli.InvokeAsync(["run", spec, "--results-dir", root, "--quiet", .. extra], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Waits for <paramref name="condition"/>, polling every 50 ms; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:F0}s");
            }
            await Task.Delay(50);
        }
    }

    public static int ReportLines(string csv) => File.Exists(csv) ? Math.Max(0, File.ReadLines(csv).Count() - 1) : 0;
}
