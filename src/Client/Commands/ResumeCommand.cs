using System.CommandLine;

namespace OrleansHpo.Client.Commands;

/// <summary><c>hpo resume NAME</c>: continue an interrupted or stopped experiment from its persisted state.</summary>
public static class ResumeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "Experiment name" };
        var options = new RunOptions();
        var command = new Command("resume", "Continue an interrupted or stopped experiment from its persisted state") { name };
        options.AddTo(command);
        command.SetAction((parse, ct) => CommandSupport.GuardRun(error, async () =>
        {
            using var signals = TerminationSignals.Listen(error);
            return await options.Session(parse, output, error, signals)
                .ResumeAsync(parse.GetValue(name)!, parse.GetValue(options.ResultsDir)!, ct);
        }));
        return command;
    }
}
