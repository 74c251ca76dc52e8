using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Results;

/// <summary>Writes <c>metadata.json</c> (Syne Tune's keys plus our counts), atomically: temp file then rename.</summary>
public static class ExperimentMetadata
{
    public static void Write(string path, ExperimentSpec spec, MetadataSnapshot run)
        => WriteAtomically(path, Compose(spec, run));

    /// <summary>Writes <paramref name="json"/> to <paramref name="path"/> through a temp file and a rename.</summary>
    public static void WriteAtomically(string path, string json)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The text of metadata.json for this state (no I/O).</summary>
    public static string Compose(ExperimentSpec spec, MetadataSnapshot run)
    {
        var json = new JsonObject
        {
            ["name"] = spec.Name,
            ["status"] = run.Phase.ToString().ToLowerInvariant(),
            ["stop_reason"] = run.StopReason,
            ["error"] = run.Error,
            ["metric_names"] = new JsonArray(spec.Metric),
            ["metric_mode"] = spec.Mode.ToString().ToLowerInvariant(),
            ["resource_attr"] = spec.ResourceAttr,
            ["scheduler_name"] = SchedulerName(spec),
            // Asynchronous Hyperband only: shared rungs (false, Syne Tune's default) or one rung system per bracket.
            ["rung_system_per_bracket"] = spec.Scheduler.Type == SchedulerType.Hyperband ? spec.Scheduler.RungSystemPerBracket : null,
            ["trainable"] = spec.Trainable,
            ["n_workers"] = spec.NWorkers,
            ["st_tuner_creation_timestamp"] = new DateTimeOffset(run.CreatedUtc).ToUnixTimeMilliseconds() / 1000.0,
            ["elapsed_seconds"] = Math.Round(run.ElapsedSeconds, 3),
            ["num_trials_started"] = run.Started,
            ["num_trials_running"] = run.Running,
            ["num_trials_paused"] = run.Paused,
            ["num_trials_stopped"] = run.Stopped,
            ["num_trials_completed"] = run.Completed,
            ["num_trials_failed"] = run.Failed,
            ["num_promotions"] = run.Promotions,
            ["num_trials_resumed"] = run.NumTrialsResumed,
            ["num_reports"] = run.Reports,
            ["retrained_epochs"] = run.RetrainedEpochs,
            // Checkpoint budget (Syne Tune's extra_results of its removal callback) and disk usage.
            ["num_checkpoints_removed"] = run.NumCheckpointsRemoved,
            ["num_trials_resumed_without_checkpoint"] = run.NumResumedWithoutCheckpoint,
            ["cost_resources"] = run.CostResources,
            ["checkpoint_removal"] = spec.Checkpoints.Removal switch
            {
                CheckpointRemoval.ByLevel => "by_level",
                var r => r.ToString().ToLowerInvariant(),
            },
            ["max_num_checkpoints"] = spec.Checkpoints.MaxNumCheckpoints,
            ["checkpoint_files"] = run.CheckpointFiles,
            ["checkpoint_bytes"] = run.CheckpointBytes,
            ["checkpoint_high_water_files"] = run.CheckpointHighWaterFiles,
            ["checkpoint_high_water_bytes"] = run.CheckpointHighWaterBytes,
            ["checkpoint_high_water_paused_trials"] = run.CheckpointHighWaterPausedTrials,
            ["checkpoint_disk_samples"] = run.CheckpointDiskSamples,
            ["num_retrained_from_scratch"] = run.RetrainedFromScratch,
            ["num_abandoned_runs"] = run.AbandonedRuns,
            ["num_abandoned_threads"] = run.AbandonedThreads,
            ["best"] = run.BestTrialId is { } best
                ? new JsonObject
                {
                    ["trial_id"] = best,
                    ["epoch"] = run.BestEpoch,
                    [spec.Metric] = run.BestValue,
                    ["config"] = ConfigJson(run.BestConfig),
                }
                : null,
            ["spec"] = JsonNode.Parse(spec.SourceJson),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static string SchedulerName(ExperimentSpec spec) => spec.Scheduler.Type switch
    {
        SchedulerType.Fifo => "fifo",
        SchedulerType.SyncSh => "sync-sh",
        SchedulerType.SyncHyperband => "sync-hyperband",
        var t => $"{t.ToString().ToLowerInvariant()}-{spec.Scheduler.Variant.ToString().ToLowerInvariant()}",
    };

    public static JsonObject? ConfigJson(IReadOnlyDictionary<string, object>? config)
    {
        if (config is null)
        {
            return null;
        }
        var json = new JsonObject();
        foreach (var (key, value) in config)
        {
            json[key] = value switch
            {
                long l => JsonValue.Create(l),
                double d => JsonValue.Create(d),
                bool b => JsonValue.Create(b),
                int i => JsonValue.Create(i),
                _ => JsonValue.Create(value.ToString()),
            };
        }
        return json;
    }
}
