using System.Globalization;
using OrleansHpo.Grains.Interfaces.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansHpo.Client.Progress;

/// <summary>
/// On a terminal: a compact live table (Spectre.Console) of worker slots, trials per rung and best so far, redrawn
/// four times a second; the final summary and best line are printed below it as in plain mode.
/// </summary>
public sealed class LiveProgressView(IAnsiConsole console, TextWriter output, string title, RungTracker rungs, double? wallBudget, int? trialBudget) : IProgressView
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private readonly CancellationTokenSource _done = new();
    private volatile ExperimentStatus? _status;
    private volatile string? _message;
    private Task? _loop;

    public void Message(string line)
    {
        if (_loop is null)
        {
            output.WriteLine(line);
        }
        else
        {
            _message = line;
        }
    }

    public void Update(ExperimentStatus status)
    {
        _status = status;
        _loop ??= Task.Run(() => console.Live(Render(status)).AutoClear(false).StartAsync(async ctx =>
        {
            while (!_done.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(250, _done.Token);
                }
                catch (OperationCanceledException)
                {
                }
                if (_status is { } s)
                {
                    ctx.UpdateTarget(Render(s));
                    ctx.Refresh();
                }
            }
        }));
    }

    public async Task FinishAsync(ExperimentStatus status, string? bestJson)
    {
        _status = status;
        await StopLoop();
        output.WriteLine(PlainProgressView.Summary(status));
        if (bestJson is not null)
        {
            output.WriteLine("best: " + bestJson);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopLoop();
        _done.Dispose();
    }

    private async Task StopLoop()
    {
        if (!_done.IsCancellationRequested)
        {
            await _done.CancelAsync();
        }
        if (_loop is { } loop)
        {
            await loop;
        }
    }

    private IRenderable Render(ExperimentStatus s)
    {
        rungs.Refresh();
        int busy = Math.Min(s.Running, s.Workers);
        var slots = s.Workers <= 64
            ? "[green]" + new string('■', busy) + "[/][grey]" + new string('□', Math.Max(0, s.Workers - busy)) + "[/] "
            : "";
        var budget = $"{s.ElapsedSeconds.ToString("F1", C)}s" + (wallBudget is { } w ? $" of {w.ToString("G", C)}s" : "")
                     + (trialBudget is { } t ? $" · {s.Started}/{t} trials" : $" · {s.Started} trials");
        var best = s.BestValue is { } v
            ? $"[bold]{Markup.Escape(s.Metric)} {v.ToString("G6", C)}[/] (trial {s.BestTrialId}, epoch {s.BestEpoch})"
            : "-";
        var table = new Table().Border(TableBorder.Simple).Expand();
        table.AddColumn("rung");
        table.AddColumn(new TableColumn("reached").RightAligned());
        table.AddColumn(new TableColumn("paused").RightAligned());
        table.AddColumn(new TableColumn("stopped").RightAligned());
        table.AddColumn(new TableColumn("went on / completed").RightAligned());
        foreach (var (level, reached, paused, stopped, wentOn) in rungs.Rows)
        {
            table.AddRow(level.ToString(C), reached.ToString(C), paused.ToString(C), stopped.ToString(C), wentOn.ToString(C));
        }
        var lines = new List<IRenderable>
        {
            new Markup($"[bold]{Markup.Escape(title)}[/]  {s.Phase.ToString().ToLowerInvariant()} · {budget}"),
            new Markup($"workers  {slots}{busy}/{s.Workers} busy"),
            new Markup($"trials   {s.Running} running · {s.Paused} paused · {s.Stopped} stopped · {s.Completed} completed · {s.Failed} failed · {s.Promotions} promotions"),
            new Markup($"best     {best}"),
            table,
        };
        if (_message is { } m)
        {
            lines.Add(new Markup($"[yellow]{Markup.Escape(m)}[/]"));
        }
        return new Panel(new Rows(lines)).Border(BoxBorder.Rounded);
    }
}
