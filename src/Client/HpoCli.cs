using System.CommandLine;
using OrleansHpo.Client.Commands;

namespace OrleansHpo.Client;

/// <summary>
/// The <c>hpo</c> command line: one verb per file in src/Client/Commands; exit codes in <see cref="ExitCodes"/>
/// (docs/architecture.md, "Signals, ownership and exit codes").
/// </summary>
public static class HpoCli
{
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("OrleansHpo: hyperparameter optimization on Orleans (ASHA, Hyperband, successive halving)")
        {
            RunCommand.Create(output, error),
            ResumeCommand.Create(output, error),
            ListCommand.Create(output, error),
            StatusCommand.Create(output, error),
            BestCommand.Create(output, error),
            ResultsCommand.Create(output, error),
            PlotCommand.Create(output, error),
            CompareCommand.Create(output, error),
            StopCommand.Create(output, error),
            SimulateCommand.Create(output, error),
            SiloCommand.Create(error),
            CheckCommand.Create(output, error),
        };
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var e in parseResult.Errors)
            {
                await error.WriteLineAsync($"error: {e.Message}");
            }
            await error.WriteLineAsync("see: hpo --help");
            return ExitCodes.BadInput;
        }
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        if (parseResult.CommandResult.Command.Name is "silo" or "run" or "resume")
        {
            // The silo host drains on SIGTERM itself; run and resume handle SIGINT/SIGTERM with TerminationSignals.
            invocation.ProcessTerminationTimeout = null;
        }
        return await parseResult.InvokeAsync(invocation);
    }
}
