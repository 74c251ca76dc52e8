using System.CommandLine;
using System.Text.Json.Nodes;

namespace OrleansHpo.Client.Commands;

/// <summary><c>hpo best NAME</c>: the experiment's best trial as one JSON line.</summary>
public static class BestCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "Experiment name" };
        var resultsDir = CommandSupport.ResultsDir();
        var cluster = CommandSupport.Cluster("Ask a running cluster (redis://HOST:PORT) instead of the results folder");
        var command = new Command("best", "Print an experiment's best trial") { name, resultsDir, cluster };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, () => parse.GetValue(cluster) is { } c
            ? ClusterVerbs.BestOf(output, c, parse.GetValue(name)!, ct)
            : Task.FromResult(Best(output, parse.GetValue(resultsDir)!, parse.GetValue(name)!))));
        return command;
    }

    private static int Best(TextWriter output, string root, string name)
    {
        var folder = ResultsFolder.WithMetadata(root, name);
        JsonNode metadata;
        try
        {
            metadata = JsonNode.Parse(File.ReadAllText(folder.Metadata))!;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UserError($"{folder.Metadata} is not valid JSON ({e.Message}); it was not written by hpo or is damaged");
        }
        if (metadata["best"] is not { } best)
        {
            throw new UserError($"experiment '{name}' has no reports yet");
        }
        output.WriteLine("best: " + best.ToJsonString());
        return ExitCodes.Ok;
    }
}
