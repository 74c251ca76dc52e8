using OrleansHpo.Core.Spec;
using Spectre.Console;

namespace OrleansHpo.Client.Progress;

/// <summary>Picks the progress view: --json, then the live table on a terminal, else plain lines (--quiet: only the best line).</summary>
public static class ProgressViews
{
    public static IProgressView Create(TextWriter output, bool quiet, bool json, ResultsFolder folder, ExperimentSpec spec)
    {
        if (json)
        {
            return new JsonProgressView(output);
        }
        bool terminal = !quiet && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
                        && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");
        if (!terminal)
        {
            return new PlainProgressView(output, quiet);
        }
        return new LiveProgressView(AnsiConsole.Console, output, spec.Name, new RungTracker(folder.ResultsCsv, spec.Scheduler.MaxT),
            spec.Stop.MaxWallclockSeconds, spec.Stop.MaxTrialsStarted);
    }
}
