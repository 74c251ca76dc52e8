using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Client.Progress;

/// <summary>
/// --json: one JSON object per line, for machines: {"event":"message"|"progress"|"finished", ...}; progress once a
/// second, the finished object carries the counts, stop reason and best.
/// </summary>
public sealed class JsonProgressView(TextWriter output) : IProgressView
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
    private DateTime _last = DateTime.MinValue;

    public void Message(string line) => Write(new JsonObject { ["event"] = "message", ["message"] = line });

    public void Update(ExperimentStatus status)
    {
        if (DateTime.UtcNow - _last >= TimeSpan.FromSeconds(1))
        {
            _last = DateTime.UtcNow;
            Write(Object("progress", status));
        }
    }

    public Task FinishAsync(ExperimentStatus status, string? bestJson)
    {
        var json = Object("finished", status);
        json["stop_reason"] = status.StopReason;
        json["error"] = status.Error;
        json["best"] = bestJson is null ? null : JsonNode.Parse(bestJson);
        Write(json);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static JsonObject Object(string kind, ExperimentStatus s) => new()
    {
        ["event"] = kind,
        ["name"] = s.Name,
        ["phase"] = s.Phase.ToString().ToLowerInvariant(),
        ["elapsed_seconds"] = Math.Round(s.ElapsedSeconds, 3),
        ["workers"] = s.Workers,
        ["running"] = s.Running,
        ["started"] = s.Started,
        ["paused"] = s.Paused,
        ["stopped"] = s.Stopped,
        ["completed"] = s.Completed,
        ["failed"] = s.Failed,
        ["promotions"] = s.Promotions,
        ["reports"] = s.Reports,
        ["metric"] = s.Metric,
        ["best_value"] = s.BestValue,
        ["best_trial_id"] = s.BestTrialId,
    };

    private void Write(JsonObject json)
    {
        output.WriteLine(json.ToJsonString(Compact));
        output.Flush();
    }
}
