using System.CommandLine;

namespace OrleansHpo.Client.Commands;

/// <summary><c>hpo list</c>: the experiments in the results folder (with --cluster: their live status).</summary>
public static class ListCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var resultsDir = CommandSupport.ResultsDir();
        var cluster = CommandSupport.Cluster("Ask a running cluster (redis://HOST:PORT) for live status");
        var command = new Command("list", "List experiments in the results folder") { resultsDir, cluster };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, () => parse.GetValue(cluster) is { } c
            ? ClusterVerbs.List(output, c, parse.GetValue(resultsDir)!, ct)
            : Task.FromResult(StatusReport.List(output, parse.GetValue(resultsDir)!))));
        return command;
    }
}
