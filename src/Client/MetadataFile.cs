using System.Text.Json.Nodes;

namespace OrleansHpo.Client;

/// <summary>Small edits of an experiment's metadata.json by the client (the experiment grain writes the rest).</summary>
public static class MetadataFile
{
    /// <summary>Records that the run was interrupted and drained (status "interrupted", the reason), atomically.</summary>
    public static void MarkInterrupted(string path, string reason)
    {
        if (!File.Exists(path) || JsonNode.Parse(File.ReadAllText(path)) is not JsonObject json)
        {
            return;
        }
        json["status"] = "interrupted";
        json["stop_reason"] = reason;
        json["interrupted_utc"] = DateTime.UtcNow.ToString("O");
        var temp = path + ".tmp";
        File.WriteAllText(temp, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }
}
