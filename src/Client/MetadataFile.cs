using System.Text.Json.Nodes;

namespace OrleansHpo.Client;

/// <summary>Small edits of an experiment's metadata.json by the client (the experiment grain writes the rest).</summary>
public static class MetadataFile
{
    /// <summary>Records that the run was interrupted and drained (status "interrupted", the reason), atomically.</summary>
    public static void MarkInterrupted(string path, string reason) => Edit(path, json =>
    {
        json["status"] = "interrupted";
        json["stop_reason"] = reason;
        json["interrupted_utc"] = DateTime.UtcNow.ToString("O");
    });

    /// <summary>Records that the experiment failed (status "failed", the error naming the path and the fix), atomically.</summary>
    public static void MarkFailed(string path, string error) => Edit(path, json =>
    {
        json["status"] = "failed";
        json["error"] = error;
        json["stop_reason"] = "storage fault";
    });

    /// <summary>The status metadata.json records, or null when there is no such file.</summary>
    public static string? StatusOf(string path) =>
        File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?["status"]?.GetValue<string>() : null;

    private static void Edit(string path, Action<JsonObject> edit)
    {
        if (!File.Exists(path) || JsonNode.Parse(File.ReadAllText(path)) is not JsonObject json)
        {
            return;
        }
        edit(json);
        var temp = path + ".tmp";
        try
        {
            File.WriteAllText(temp, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp); // a full disk: do not leave half a file behind
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            throw;
        }
    }
}
