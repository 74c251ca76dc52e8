using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansHpo.Tests.Redis;

namespace OrleansHpo.Tests.Cli;

/// <summary>
/// The client half of the failure model (docs/architecture.md, "Signals, ownership and exit codes") on the real
/// <c>hpo</c> program: signals, exclusive ownership of the experiment folder, exit codes and pure output. Every wait
/// is on a condition (a results row, a log line, a process exit), never a sleep.
/// </summary>
public sealed class FailureModelTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(180);

    private static string Spec(string dir, string name, int trials, int delayMs) => SyntheticAshaSpec.Write(dir, name, trials, delayMs, seed: 11);

    private static string Csv(string dir, string name) => Path.Combine(dir, name, "results.csv");

    private static JsonNode Metadata(string dir, string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, name, "metadata.json")))!;

    /// <summary>A running <c>hpo</c> whose stdout and stderr are collected line by line as they come.</summary>
    private sealed class Running : IDisposable
    {
        private readonly System.Text.StringBuilder _output = new();
        private readonly System.Text.StringBuilder _error = new();

        public Running(params string[] args)
        {
            Process = HpoProcess.Start(args);
            Process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { lock (_output) { _output.AppendLine(line); } } };
            Process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { lock (_error) { _error.AppendLine(line); } } };
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Error
        {
            get { lock (_error) { return _error.ToString(); } }
        }

        public async Task<(int Code, string Output, string Error)> Exit(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await Process.WaitForExitAsync(cts.Token); // also waits for the end of both streams
            }
            catch (OperationCanceledException)
            {
                Process.Kill(entireProcessTree: true);
                throw new TimeoutException($"hpo did not exit in {timeout}: {_output}\n{Error}");
            }
            lock (_output)
            {
                return (Process.ExitCode, _output.ToString(), Error);
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
            Process.Dispose();
        }
    }

    /// <summary>Until results.csv has <paramref name="rows"/> reports (the run is under way), failing if the run ended first.</summary>
    private static Task UntilReports(Running run, string csv, int rows) =>
        ClusterFaultToleranceTests.WaitFor(() => run.Process.HasExited || ClusterFaultToleranceTests.ResultRows(csv) >= rows, Long, $"{rows} reports in {csv}")
            .ContinueWith(t =>
            {
                t.GetAwaiter().GetResult();
                Assert.False(run.Process.HasExited, "the run ended before the fault could be injected");
            }, TaskScheduler.Default);

    [Fact]
    public async Task First_SIGINT_drains_to_interrupted_and_resume_finishes_with_nothing_lost()
    {
        var dir = HpoProcess.TempDir();
        const int trials = 40;
        var spec = Spec(dir, "sigint", trials, 150);
        using (var run = new Running("run", spec, "--results-dir", dir))
        {
            await UntilReports(run, Csv(dir, "sigint"), 12);
            PosixSignal.Send(run.Process.Id, PosixSignal.SigInt);
            var (code, output, error) = await run.Exit(TimeSpan.FromSeconds(60));
            Assert.True(code == 130, $"exit {code}\n{output}\n{error}");
            Assert.Contains("SIGINT: stopping gracefully", error);
            Assert.Contains("hpo resume sigint", error);
            Assert.Contains("interrupted: interrupted by SIGINT", output);
        }
        var metadata = Metadata(dir, "sigint");
        Assert.Equal("interrupted", metadata["status"]!.GetValue<string>());
        Assert.Equal(0, metadata["num_trials_failed"]!.GetValue<int>());

        var resumed = await HpoProcess.RunAsync(Long, "resume", "sigint", "--results-dir", dir);
        ClusterFaultToleranceTests.AssertComplete(dir, "sigint", trials, (resumed.ExitCode, resumed.Output + resumed.Error));
        Assert.Equal(0, Metadata(dir, "sigint")["num_trials_failed"]!.GetValue<int>());
    }

    [Fact]
    public async Task Second_SIGTERM_exits_at_once_status_says_the_process_ended_and_resume_finishes()
    {
        var dir = HpoProcess.TempDir();
        const int trials = 12;
        // Long epochs: the drain after the first SIGTERM is still waiting on them when the second one comes.
        var spec = Spec(dir, "sigterm", trials, 1500);
        using (var run = new Running("run", spec, "--results-dir", dir))
        {
            await UntilReports(run, Csv(dir, "sigterm"), 4);
            PosixSignal.Send(run.Process.Id, PosixSignal.SigTerm);
            // Signals do not queue: the second is sent once the first was taken (its message is on stderr, the drain
            // is waiting for the 1.5 s epochs in progress), and exits without waiting for them.
            await ClusterFaultToleranceTests.WaitFor(() => run.Process.HasExited || run.Error.Contains("SIGTERM: stopping gracefully", StringComparison.Ordinal), Long, "the drain message");
            PosixSignal.Send(run.Process.Id, PosixSignal.SigTerm);
            var (code, output, error) = await run.Exit(TimeSpan.FromSeconds(20));
            Assert.True(code == 143, $"exit {code}\n{output}\n{error}");
            Assert.Contains("SIGTERM again: exiting now", error);
        }
        var status = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), "status", "sigterm", "--results-dir", dir);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("sigterm: interrupted", status.Output);
        Assert.Contains("has ended", status.Output);

        var resumed = await HpoProcess.RunAsync(Long, "resume", "sigterm", "--results-dir", dir);
        ClusterFaultToleranceTests.AssertComplete(dir, "sigterm", trials, (resumed.ExitCode, resumed.Output + resumed.Error));
    }

    [Fact]
    public async Task Overwrite_and_a_second_run_are_refused_while_the_run_is_live_and_it_finishes_intact()
    {
        var dir = HpoProcess.TempDir();
        const int trials = 30;
        var spec = Spec(dir, "live", trials, 100);
        using var run = new Running("run", spec, "--results-dir", dir);
        await UntilReports(run, Csv(dir, "live"), 5);
        // Every refusal because the folder's lock is held is exit 2 (docs/architecture.md, "Signals, ownership and exit codes").
        foreach (var args in new[] { new[] { "run", spec, "--results-dir", dir, "--overwrite" }, ["run", spec, "--results-dir", dir], ["resume", "live", "--results-dir", dir] })
        {
            var refused = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), args);
            Assert.True(refused.ExitCode == 2, $"{string.Join(' ', args)}: exit {refused.ExitCode}\n{refused.Output}\n{refused.Error}");
            Assert.Contains($"pid {run.Process.Id}", refused.Error);
        }
        var (code, output, error) = await run.Exit(Long);
        ClusterFaultToleranceTests.AssertComplete(dir, "live", trials, (code, output + error));

        // Not live any more: --overwrite starts over (the old folder was moved aside, then deleted).
        var again = await HpoProcess.RunAsync(Long, "run", spec, "--results-dir", dir, "--overwrite", "--set", "stop.max_trials_started=4");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(4, Metadata(dir, "live")["num_trials_started"]!.GetValue<int>());
        Assert.Equal(["live"], Directory.GetDirectories(dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Stop_then_resume_continues_the_experiment_with_its_remaining_budget()
    {
        var dir = HpoProcess.TempDir();
        const int trials = 30;
        var spec = Spec(dir, "stopped", trials, 100);
        using (var run = new Running("run", spec, "--results-dir", dir, "--json"))
        {
            await UntilReports(run, Csv(dir, "stopped"), 5);
            var stop = await HpoProcess.RunAsync(TimeSpan.FromSeconds(90), "stop", "stopped", "--results-dir", dir, "--wait", "--timeout", "60");
            Assert.True(stop.ExitCode == 0, stop.Output + stop.Error);
            var (code, output, error) = await run.Exit(Long);
            Assert.True(code == 0, error);
            var last = JsonNode.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
            Assert.Equal("interrupted", last["phase"]!.GetValue<string>());
        }
        Assert.True(Metadata(dir, "stopped")["num_trials_started"]!.GetValue<int>() < trials, "the stop came after the budget was spent");
        var resumed = await HpoProcess.RunAsync(Long, "resume", "stopped", "--results-dir", dir);
        ClusterFaultToleranceTests.AssertComplete(dir, "stopped", trials, (resumed.ExitCode, resumed.Output + resumed.Error));
    }

    [Fact]
    public async Task A_metric_the_trainable_does_not_report_exits_2_naming_the_field_and_the_names()
    {
        var dir = HpoProcess.TempDir();
        var (code, _, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), "run", Spec(dir, "typo", 4, 0), "--results-dir", dir, "--set", "metric=val_acc");
        Assert.Equal(2, code);
        Assert.Contains("metric: 'val_acc' is not a metric of trainable 'synthetic'; it reports: loss, accuracy", error);
        Assert.False(Directory.Exists(Path.Combine(dir, "typo")), "nothing is created for a spec that cannot run");
    }

    [Fact]
    public async Task All_trials_failing_exits_1_with_the_most_common_reason_and_json_stdout_stays_pure()
    {
        var dir = HpoProcess.TempDir();
        var spec = Path.Combine(dir, "failing.json");
        File.WriteAllText(spec, File.ReadAllText(Spec(dir, "failing", 6, 0)).Replace("\"epochs\": 9,", "\"epochs\": 9, \"fail_at_epoch\": 1,", StringComparison.Ordinal));
        var (code, output, error) = await HpoProcess.RunAsync(Long, "run", spec, "--results-dir", dir, "--json");
        Assert.True(code == 1, $"exit {code}\n{output}\n{error}");
        // The reason is the trial's error as failures-runtime words it ("TrainEpoch(1) threw ...: message").
        Assert.Contains("all 6 trials failed; most common reason (6 of 6): ", error);
        Assert.Contains("synthetic failure at epoch 1 (fail_at_epoch)", error);
        Assert.Equal("failed", Metadata(dir, "failing")["status"]!.GetValue<string>()); // hpo status and list say so too
        // stdout is the command's output only: with --json, every line is one JSON object (the failure warnings are logs, on stderr).
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            Assert.True(JsonNode.Parse(line) is JsonObject, $"not a JSON object line: {line}");
        }
        Assert.Contains("failed", error); // the trial warnings went to stderr
    }

    [Fact]
    public async Task A_run_killed_before_its_first_state_write_is_listed_and_resumed_without_contradiction()
    {
        var dir = HpoProcess.TempDir();
        var spec = Spec(dir, "early", 4, 0);
        // What a kill -9 in the first second leaves: the spec, an empty state folder, no metadata.json.
        var run = await HpoProcess.RunAsync(Long, "run", spec, "--results-dir", dir);
        Assert.Equal(0, run.ExitCode);
        var folder = Path.Combine(dir, "early");
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder).Where(e => Path.GetFileName(e) is not ("spec.json" or "state")))
        {
            if (Directory.Exists(entry)) { Directory.Delete(entry, true); } else { File.Delete(entry); }
        }
        Directory.Delete(Path.Combine(folder, "state"), true);
        Directory.CreateDirectory(Path.Combine(folder, "state"));

        var list = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), "list", "--results-dir", dir);
        Assert.Contains("early", list.Output);
        var again = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), "run", spec, "--results-dir", dir);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.Error);
        var resumed = await HpoProcess.RunAsync(Long, "resume", "early", "--results-dir", dir);
        ClusterFaultToleranceTests.AssertComplete(dir, "early", 4, (resumed.ExitCode, resumed.Output + resumed.Error));
    }
}
