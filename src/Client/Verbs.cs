using System.Text.Json.Nodes;

namespace OrleansHpo.Client;

/// <summary>Verbs that read an experiment's files (no silo needed).</summary>
public static class Verbs
{
    public static int List(TextWriter output, string root) => StatusReport.List(output, root);

    public static int Status(TextWriter output, string root, string name) => StatusReport.Status(output, root, name);

    public static int Best(TextWriter output, string root, string name)
    {
        var m = Metadata(ResultsFolder.WithMetadata(root, name));
        if (m["best"] is not { } best)
        {
            throw new UserError($"experiment '{name}' has no reports yet");
        }
        output.WriteLine("best: " + best.ToJsonString());
        return ExitCodes.Ok;
    }

    private static JsonNode Metadata(ResultsFolder folder)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(folder.Metadata))!;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UserError($"{folder.Metadata} is not valid JSON ({e.Message}); it was not written by hpo or is damaged");
        }
    }
}
