using System.CommandLine;

namespace OrleansHpo.Client.Commands;

/// <summary><c>hpo status NAME</c>: an experiment's progress, from its folder (with --cluster: from its grain).</summary>
public static class StatusCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "Experiment name" };
        var resultsDir = CommandSupport.ResultsDir();
        var cluster = CommandSupport.Cluster("Ask a running cluster (redis://HOST:PORT) instead of the results folder");
        var command = new Command("status", "Show an experiment's progress") { name, resultsDir, cluster };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, () => parse.GetValue(cluster) is { } c
            ? ClusterVerbs.Status(output, c, parse.GetValue(name)!, ct)
            : Task.FromResult(StatusReport.Status(output, parse.GetValue(resultsDir)!, parse.GetValue(name)!))));
        return command;
    }
}
