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
        // Inside the panel's border and padding; every line fits it, so nothing wraps on an 80-column terminal.
        int inner = Math.Max(20, console.Profile.Width - 4);
        int busy = Math.Min(s.Running, s.Workers);
        var slots = s.Workers <= Math.Min(64, inner - 24)
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
        var head = $"{s.Phase.ToString().ToLowerInvariant()} · {budget}";
        var name = title.Length + head.Length + 2 > inner ? title[..Math.Max(1, inner - head.Length - 3)] + "…" : title;
        var counts = $"{s.Running} running · {s.Paused} paused · {s.Stopped} stopped";
        var ends = $"{s.Completed} completed · {s.Failed} failed · {s.Promotions} promotions";
        var lines = new List<IRenderable>
        {
            Line($"[bold]{Markup.Escape(name)}[/]  {head}"),
            Line($"workers  {slots}{busy}/{s.Workers} busy"),
        };
        if (9 + counts.Length + 3 + ends.Length <= inner)
        {
            lines.Add(Line($"trials   {counts} · {ends}"));
        }
        else
        {
            lines.Add(Line($"trials   {counts}"));
            lines.Add(Line($"         {ends}"));
        }
        lines.Add(Line($"best     {best}"));
        lines.Add(table);
        if (_message is { } m)
        {
            lines.Add(Line($"[yellow]{Markup.Escape(m)}[/]"));
        }
        return new Panel(new Rows(lines)).Border(BoxBorder.Rounded);
    }

    /// <summary>One line of the panel: cut with an ellipsis rather than wrapped when the terminal is narrow.</summary>
    private static Markup Line(string markup) => new(markup) { Overflow = Overflow.Ellipsis };
}
