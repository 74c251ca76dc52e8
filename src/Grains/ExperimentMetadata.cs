using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHpo.Core.Spec;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.State;

namespace OrleansHpo.Grains;

/// <summary>Writes <c>metadata.json</c> (Syne Tune's keys plus our counts), atomically: temp file then rename.</summary>
public static class ExperimentMetadata
{
    public static void Write(string path, ExperimentSpec spec, ExperimentState state, ExperimentStatus status)
        => Write(path, spec, state, status, null);

    internal static void Write(string path, ExperimentSpec spec, ExperimentState state, ExperimentStatus status, Checkpoints.ExperimentCheckpoints? checkpoints)
        => WriteAtomically(path, Compose(spec, state, status, checkpoints));

    /// <summary>Writes <paramref name="json"/> to <paramref name="path"/> through a temp file and a rename.</summary>
    public static void WriteAtomically(string path, string json)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The text of metadata.json for this state (no I/O).</summary>
    internal static string Compose(ExperimentSpec spec, ExperimentState state, ExperimentStatus status, Checkpoints.ExperimentCheckpoints? checkpoints)
    {
        var json = new JsonObject
        {
            ["name"] = spec.Name,
            ["status"] = status.Phase.ToString().ToLowerInvariant(),
            ["stop_reason"] = status.StopReason,
            ["error"] = status.Error,
            ["metric_names"] = new JsonArray(spec.Metric),
            ["metric_mode"] = spec.Mode.ToString().ToLowerInvariant(),
            ["resource_attr"] = spec.ResourceAttr,
            ["scheduler_name"] = SchedulerName(spec),
            // Asynchronous Hyperband only: shared rungs (false, Syne Tune's default) or one rung system per bracket.
            ["rung_system_per_bracket"] = spec.Scheduler.Type == SchedulerType.Hyperband ? spec.Scheduler.RungSystemPerBracket : null,
            ["trainable"] = spec.Trainable,
            ["n_workers"] = spec.NWorkers,
            ["st_tuner_creation_timestamp"] = new DateTimeOffset(state.CreatedUtc).ToUnixTimeMilliseconds() / 1000.0,
            ["elapsed_seconds"] = Math.Round(status.ElapsedSeconds, 3),
            ["num_trials_started"] = status.Started,
            ["num_trials_running"] = status.Running,
            ["num_trials_paused"] = status.Paused,
            ["num_trials_stopped"] = status.Stopped,
            ["num_trials_completed"] = status.Completed,
            ["num_trials_failed"] = status.Failed,
            ["num_promotions"] = status.Promotions,
            ["num_trials_resumed"] = status.NumTrialsResumed,
            ["num_reports"] = status.Reports,
            ["retrained_epochs"] = status.RetrainedEpochs,
            // Checkpoint budget (Syne Tune's extra_results of its removal callback) and disk usage.
            ["num_checkpoints_removed"] = checkpoints?.NumCheckpointsRemoved ?? 0,
            ["num_trials_resumed_without_checkpoint"] = checkpoints?.NumResumedWithoutCheckpoint ?? 0,
            ["cost_resources"] = checkpoints?.CostResources ?? 0,
            ["checkpoint_removal"] = spec.Checkpoints.Removal switch
            {
                CheckpointRemoval.ByLevel => "by_level",
                var r => r.ToString().ToLowerInvariant(),
            },
            ["max_num_checkpoints"] = spec.Checkpoints.MaxNumCheckpoints,
            ["checkpoint_files"] = state.Checkpoints.Files,
            ["checkpoint_bytes"] = state.Checkpoints.Bytes,
            ["checkpoint_high_water_files"] = state.Checkpoints.HighWaterFiles,
            ["checkpoint_high_water_bytes"] = state.Checkpoints.HighWaterBytes,
            ["checkpoint_high_water_paused_trials"] = state.Checkpoints.HighWaterPausedTrials,
            ["checkpoint_disk_samples"] = state.Checkpoints.Samples,
            ["num_retrained_from_scratch"] = status.RetrainedFromScratch,
            ["num_abandoned_runs"] = state.AbandonedRuns,
            ["num_abandoned_threads"] = Execution.AbandonedThreadCount.Current,
            ["best"] = status.BestTrialId is { } best
                ? new JsonObject
                {
                    ["trial_id"] = best,
                    ["epoch"] = status.BestEpoch,
                    [spec.Metric] = status.BestValue,
                    ["config"] = ConfigJson(status.BestConfig),
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
