using OrleansHpo.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansHpo.Tests.Cli;
using OrleansHpo.Tests.Redis;

namespace OrleansHpo.Tests.Slurm;

/// <summary>
/// Silos as real SLURM batch jobs (deploy/slurm/hpo-silo.sbatch on a one-node SLURM started by the test): 3 jobs
/// with a 2-minute limit and --requeue run one experiment that outlives them. Every job reads its time left from
/// SLURM, drains before its limit (runs checkpoint, the drain is logged before SLURM would kill it), exits 75, asks
/// SLURM to requeue it, and its next start rejoins the cluster and trains trials again; the experiment completes with
/// no trial lost, no (trial, epoch) reported twice, and drained trials resume from the epoch they drained at.
/// </summary>
[Collection("redis-cluster")]
public sealed partial class SlurmJobLimitTests : IDisposable
{
    private const int Jobs = 3;
    private readonly LocalSlurm _slurm = LocalSlurm.Start(credExpireSeconds: 10);
    private readonly string _dir = HpoProcess.TempDir();
    private readonly string _jobName = "hpo-silo-" + Guid.NewGuid().ToString("N")[..6];

    [GeneratedRegex(@"Trial (\d+): silo draining, run \S+ ends after epoch (\d+) with checkpoint")]
    private static partial Regex DrainedTrial();

    [GeneratedRegex(@"Trial (\d+) recovers from \S*epoch-(\d+)")]
    private static partial Regex RecoveredTrial();

    [GeneratedRegex(@"Trial \d+ (starts|resumes|recovers)")]
    private static partial Regex TrainsTrial();

    [SkippableFact]
    public async Task Three_silo_jobs_reach_their_limit_drain_are_requeued_rejoin_and_the_experiment_completes()
    {
        Skip.If(_slurm.Unavailable is not null, $"SLURM cannot run on this machine: {_slurm.Unavailable}");
        using var redis = new RedisServer();
        var env = new Dictionary<string, string>
        {
            ["HPO_CLUSTER"] = redis.Url,
            ["HPO_DLL"] = HpoProcess.Dll,
            ["HPO_SILO_ADDRESS"] = "127.0.0.1",
            ["HPO_PORT_BASE"] = FreePortBase(Jobs).ToString(System.Globalization.CultureInfo.InvariantCulture),
            // 1 s epochs: the margin is the minimum, 45 s before the end (60 s by default). SLURM's warning signal
            // (--signal=B:TERM@5 below) comes up to ~30 s earlier than asked, so the silo's own drain comes first.
            ["HPO_SILO_ARGS"] = "--slurm-min-margin 00:00:45 --fast-failure-detection --log-level Debug",
        };
        var logs = Path.Combine(_dir, "logs");
        Directory.CreateDirectory(logs);
        var script = Path.Combine(LocalSlurm.Root.Value, "deploy", "slurm", "hpo-silo.sbatch");
        var ids = new List<string>();
        for (int i = 0; i < Jobs; i++)
        {
            // Staggered starts (SLURM's --begin), so that while one job is requeued the others still train.
            var (code, output) = _slurm.Command("sbatch", env, "--parsable", $"--job-name={_jobName}", "--time=00:02:00",
                "--gres=none", "--signal=B:TERM@5", "--cpus-per-task=2", "--mem=256M", $"--begin=now+{15 * i}", $"--output={logs}/%x-%j.out", $"--chdir={_dir}", script);
            Assert.True(code == 0, $"sbatch failed: {output}");
            ids.Add(output.Trim());
        }
        string Log(string id) => File.Exists(Path.Combine(logs, $"{_jobName}-{id}.out")) ? File.ReadAllText(Path.Combine(logs, $"{_jobName}-{id}.out")) : "";
        // The section of a job's log written by its start number `restart` (the script's header line opens each).
        string Run(string id, int restart)
        {
            var log = Log(id);
            int start = log.IndexOf($"restart {restart} on", StringComparison.Ordinal);
            if (start < 0)
            {
                return "";
            }
            int end = log.IndexOf($"restart {restart + 1} on", start, StringComparison.Ordinal);
            return end < 0 ? log[start..] : log[start..end];
        }
        string AllLogs() => string.Join("\n", ids.Select(id => $"== job {id}:\n{Log(id)}"));

        await ClusterFaultToleranceTests.WaitFor(() => Run(ids[0], 0).Contains("active in cluster", StringComparison.Ordinal),
            TimeSpan.FromSeconds(120), "the first silo job to join the cluster");
        const string name = "slurm";
        // Longer than any job's limit: 240 s of experiment time from the first silo's start. The jobs start 15 s
        // apart, drain 75 s after their start (2 min - 45 s margin) and are back ~30 s later, so every job trains
        // in its second start before the experiment ends (the assertions below check that it did).
        var spec = SyntheticAshaSpec.Write(_dir, name, trials: 5000, delayMs: 1000, seed: 15);
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("\"stop\": {", "\"stop\": { \"max_wallclock_seconds\": 240,", StringComparison.Ordinal));
        var run = await ClusterFaultToleranceTests.Finish(HpoProcess.Start("run", spec, "--cluster", redis.Url, "--results-dir", _dir), TimeSpan.FromMinutes(8));
        var restarts = ids.Select(id => _slurm.JobField(id, "Restarts")).ToList();
        _slurm.Command("scancel", null, $"--name={_jobName}");
        Assert.True(run.Code == 0, $"hpo run exited {run.Code}\n{run.Output}\n{AllLogs()}");
        Assert.All(restarts, r => Assert.True(int.Parse(r ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 1, $"Restarts={r}\n{AllLogs()}"));

        foreach (var id in ids)
        {
            var first = Run(id, 0);
            // It read its limit from SLURM, drained before the end (by itself, exit 75; or on SLURM's warning signal
            // if that came first), asked for the requeue itself, and SLURM never had to kill it for its time limit.
            Assert.Matches($@"SLURM job {id} \(restart 0\): 00:0[01]:\d\d left", first);
            int drain = first.IndexOf("Draining (", StringComparison.Ordinal);
            int drained = first.IndexOf("Drained: no run trains on this silo", StringComparison.Ordinal);
            int requeue = first.IndexOf($"requeueing job {id}", StringComparison.Ordinal);
            Assert.True(drain >= 0 && drained > drain && requeue > drained, $"job {id} did not drain before its requeue:\n{first}");
            Assert.True(first.Contains($"Draining (SLURM job {id} time limit)", StringComparison.Ordinal)
                ? first.Contains("silo exited 75", StringComparison.Ordinal)
                : first.Contains("(SIGTERM: 1, job RUNNING)", StringComparison.Ordinal), $"job {id}:\n{first}");
            Assert.DoesNotContain("DUE TO TIME LIMIT", Log(id));
            // Requeued, it rejoined the cluster and trained trials of the same experiment again.
            Assert.Contains("active in cluster", Run(id, 1));
            Assert.Matches(TrainsTrial(), Run(id, 1));
        }
        Assert.Contains(ids, id => Run(id, 0).Contains($"Draining (SLURM job {id} time limit)", StringComparison.Ordinal));

        // Drained trials resumed from the checkpoint of the epoch they drained at: nothing recomputed but the epoch
        // that was interrupted (none: the drain waits for the epoch boundary).
        var all = AllLogs();
        var drainedAt = DrainedTrial().Matches(all).Select(m => (Trial: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Epoch: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.NotEmpty(drainedAt);
        var recovered = RecoveredTrial().Matches(all).Select(m => (Trial: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Epoch: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        foreach (var (trial, epoch) in drainedAt.Where(d => d.Epoch > 0))
        {
            // A trial's drains come at increasing epochs; one the experiment resumed (a later recovery from this
            // epoch or beyond) must have resumed from exactly this epoch first.
            if (recovered.Any(r => r.Trial == trial && r.Epoch >= epoch))
            {
                Assert.Contains(recovered, r => r.Trial == trial && r.Epoch == epoch);
            }
        }

        // No trial lost, no report twice, every trial's epochs 1..last without a gap, the experiment completed.
        var rows = File.ReadLines(Path.Combine(_dir, name, "results.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var keys = rows.Select(r => (Trial: int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture), Epoch: int.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        foreach (var trial in keys.GroupBy(k => k.Trial))
        {
            Assert.Equal(Enumerable.Range(1, trial.Max(k => k.Epoch)), trial.Select(k => k.Epoch).Order());
        }
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, name, "metadata.json")))!;
        Assert.Equal("completed", metadata["status"]!.GetValue<string>());
        Assert.Equal(0, metadata["num_trials_running"]!.GetValue<int>());
        int started = metadata["num_trials_started"]!.GetValue<int>();
        Assert.True(keys.Select(k => k.Trial).Distinct().Count() >= started - 4, "trials started but never reported beyond the last 4 workers");
    }

    /// <summary>A base B whose ports B+2..B+2*jobs+1 are free (the job script uses B + 2*(job id % 1000), +1; ids 1..jobs).</summary>
    private static int FreePortBase(int jobs)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int base_ = Random.Shared.Next(20_000, 29_000);
            var listeners = new List<TcpListener>();
            try
            {
                for (int port = base_ + 2; port <= base_ + 2 * jobs + 1; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listeners.Add(listener);
                }
                return base_;
            }
            catch (SocketException)
            {
            }
            finally
            {
                listeners.ForEach(l => l.Stop());
            }
        }
        throw new InvalidOperationException("no free port range found");
    }

    public void Dispose() => _slurm.Dispose();
}
