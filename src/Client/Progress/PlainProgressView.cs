using System.Globalization;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Client.Progress;

/// <summary>Plain lines (not a terminal, or --quiet: then only the final best line).</summary>
public sealed class PlainProgressView(TextWriter output, bool quiet) : IProgressView
{
    private DateTime _lastPrint = DateTime.MinValue;

    public void Message(string line)
    {
        if (!quiet)
        {
            output.WriteLine(line);
        }
    }

    public void Update(ExperimentStatus status)
    {
        if (!quiet && DateTime.UtcNow - _lastPrint > TimeSpan.FromSeconds(2))
        {
            _lastPrint = DateTime.UtcNow;
            output.WriteLine(ProgressLine(status));
        }
    }

    public Task FinishAsync(ExperimentStatus status, string? bestJson)
    {
        Message(ProgressLine(status));
        Message(Summary(status));
        if (bestJson is not null)
        {
            output.WriteLine("best: " + bestJson);
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static string ProgressLine(ExperimentStatus s) =>
        $"[{s.ElapsedSeconds,7:F1}s] trials {s.Started} | running {s.Running}/{s.Workers} paused {s.Paused} stopped {s.Stopped} completed {s.Completed} failed {s.Failed} | promotions {s.Promotions} | best {s.Metric} {(s.BestValue is { } v ? v.ToString("G5", CultureInfo.InvariantCulture) : "-")}";

    public static string Summary(ExperimentStatus status) =>
        $"{status.Phase.ToString().ToLowerInvariant()}: {status.StopReason}; {status.Started} trials ({status.Completed} completed, {status.Stopped} stopped, {status.Paused} paused, {status.Failed} failed), {status.Promotions} promotions, {status.Reports} reports in {status.ElapsedSeconds:F1}s";
}
