using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrleansHpo.Silo.Slurm;

/// <summary>
/// Asks SLURM how long a job has left: <c>squeue -h -j ID -o %L</c>, else <c>scontrol show job ID</c>
/// (<c>TimeLimit=</c> minus <c>RunTime=</c>). Null when neither command answered (not installed, controller down):
/// the caller asks again later; text it cannot read is <see cref="SlurmTimeKind.Malformed"/> (assume the worst).
/// </summary>
public static partial class SlurmCommands
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The job's time left, or null when SLURM could not be asked.</summary>
    public static async Task<SlurmTimeLeft?> TimeLeftAsync(string jobId, CancellationToken cancellationToken)
    {
        if (await RunAsync("squeue", ["-h", "-j", jobId, "-o", "%L"], cancellationToken) is { } squeue)
        {
            return SlurmTimeLeft.Parse(squeue);
        }
        if (await RunAsync("scontrol", ["show", "job", jobId], cancellationToken) is { } show)
        {
            return FromShowJob(show);
        }
        return null;
    }

    /// <summary>Time left from <c>scontrol show job</c> output: TimeLimit minus RunTime.</summary>
    public static SlurmTimeLeft FromShowJob(string text)
    {
        var limit = SlurmTimeLeft.Parse(ShowJobField(text, "TimeLimit"));
        if (limit.Kind != SlurmTimeKind.Duration)
        {
            return limit;
        }
        var run = SlurmTimeLeft.Parse(ShowJobField(text, "RunTime"));
        if (run.Kind != SlurmTimeKind.Duration)
        {
            return new(SlurmTimeKind.Malformed, TimeSpan.Zero);
        }
        var left = limit.Remaining - run.Remaining;
        return new(SlurmTimeKind.Duration, left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    private static string? ShowJobField(string text, string name)
    {
        var match = Field().Matches(text).FirstOrDefault(m => m.Groups["name"].Value == name);
        return match?.Groups["value"].Value;
    }

    [GeneratedRegex(@"(?<![\w])(?<name>\w+)=(?<value>\S*)", RegexOptions.CultureInvariant)]
    private static partial Regex Field();

    private static async Task<string?> RunAsync(string program, string[] args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed on this node
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CommandTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                cancellationToken.ThrowIfCancellationRequested();
                return null;
            }
            await error;
            return process.ExitCode == 0 ? await output : null;
        }
    }
}
