namespace OrleansHpo.Dashboard;

/// <summary>A trial's runtime state as its grain holds it (not in results.csv).</summary>
/// <param name="Status">new, running, paused, stopped, completed or failed.</param>
/// <param name="Error">The trainable's error, for a failed trial.</param>
/// <param name="StopReason">Why it was stopped, when known.</param>
/// <param name="Silo">The silo it last ran on, when the source knows (cluster grains).</param>
/// <param name="Activations">Runs started (a promotion starts a new run).</param>
/// <param name="PausedAt">Level it paused at (0: never paused).</param>
/// <param name="RetrainedEpochs">Epochs retrained from scratch because a checkpoint was missing or corrupt.</param>
/// <param name="RetrainedFromScratch">Runs that retrained from scratch.</param>
/// <param name="Checkpoint">The checkpoint its state refers to; null when it has none (never written or removed).</param>
/// <param name="Source">Where this came from, for the page (e.g. "grain state file", "cluster grain").</param>
public sealed record TrialRuntime(
    string Status,
    string? Error,
    string? StopReason,
    string? Silo,
    int Activations,
    int PausedAt,
    int RetrainedEpochs,
    int RetrainedFromScratch,
    CheckpointInfo? Checkpoint,
    string Source);
