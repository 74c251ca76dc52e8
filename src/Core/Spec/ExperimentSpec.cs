namespace OrleansHpo.Core.Spec;

/// <summary>
/// A validated experiment description, in Syne Tune's vocabulary. Built only by <see cref="SpecParser"/>,
/// so every instance has passed validation.
/// </summary>
public sealed record ExperimentSpec
{
    public required string Name { get; init; }
    /// <summary>Registered name of the trainable (never a type name).</summary>
    public required string Trainable { get; init; }
    public required ConfigSpace ConfigSpace { get; init; }
    public required string Metric { get; init; }
    public required Mode Mode { get; init; }
    public string ResourceAttr { get; init; } = "epoch";
    /// <summary>Config key that receives the epoch the trial must stop at (Syne Tune's max_resource_attr).</summary>
    public string? MaxResourceAttr { get; init; }
    public required SchedulerSpec Scheduler { get; init; }
    public required SearcherSpec Searcher { get; init; }
    /// <summary>Configs evaluated first. Null = one first trial at the midpoint of the space; empty = none.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object>>? PointsToEvaluate { get; init; }
    public int NWorkers { get; init; } = 4;
    public required StopSpec Stop { get; init; }
    /// <summary>Trials allowed to fail before the experiment fails; null = unlimited.</summary>
    public int? MaxFailures { get; init; }
    public CheckpointSpec Checkpoints { get; init; } = new();
    /// <summary>The spec as JSON after overrides, kept verbatim for metadata.json and resume.</summary>
    public required string SourceJson { get; init; }
}

public enum Mode { Min, Max }

public enum SchedulerType { Fifo, Asha, Hyperband, SyncSh, SyncHyperband }

public enum SchedulerVariant { Stopping, Promotion }

public sealed record SchedulerSpec
{
    public SchedulerType Type { get; init; } = SchedulerType.Asha;
    /// <summary>For asha / hyperband: stopping or promotion. Synchronous types always pause.</summary>
    public SchedulerVariant Variant { get; init; } = SchedulerVariant.Stopping;
    public int GracePeriod { get; init; } = 1;
    public double ReductionFactor { get; init; } = 3;
    /// <summary>Resolved max_t: from the spec, else config_space[max_resource_attr].</summary>
    public required int MaxT { get; init; }
    /// <summary>Number of brackets for (asynchronous) hyperband; 1 for asha. Null = all.</summary>
    public int? Brackets { get; init; }
    /// <summary>
    /// Asynchronous hyperband: false (default, as Syne Tune) = one rung system shared by all brackets; true = separate
    /// rungs per bracket (configs compete only within their bracket).
    /// </summary>
    public bool RungSystemPerBracket { get; init; }
    /// <summary>Explicit rung levels; overrides grace_period/reduction_factor when set.</summary>
    public IReadOnlyList<int>? RungLevels { get; init; }
}

/// <summary>
/// The <c>searcher</c> section: its type (random and grid are built in; other types come from an
/// <see cref="Search.ISearcherProvider"/>), its seed, and every other key as raw options that the provider validates.
/// </summary>
public sealed record SearcherSpec
{
    public const string Random = "random";
    public const string Grid = "grid";

    public string Type { get; init; } = Random;
    public int Seed { get; init; }
    /// <summary>Grid points per continuous (or wide integer) domain (grid search).</summary>
    public int GridPoints { get; init; } = 5;
    /// <summary>Keys of the section other than type and seed, unparsed.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> Options { get; init; } =
        new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal);

    public bool Equals(SearcherSpec? other) =>
        other is not null && Type == other.Type && Seed == other.Seed && GridPoints == other.GridPoints
        && Options.Count == other.Options.Count
        && Options.All(o => other.Options.TryGetValue(o.Key, out var v) && v.GetRawText() == o.Value.GetRawText());

    public override int GetHashCode() => HashCode.Combine(Type, Seed, GridPoints, Options.Count);
}

public sealed record StopSpec
{
    public double? MaxWallclockSeconds { get; init; }
    public int? MaxTrialsStarted { get; init; }
    public int? MaxTrialsCompleted { get; init; }
    /// <summary>Stop once any report reaches this metric value (&lt;= for min, &gt;= for max).</summary>
    public double? MetricThreshold { get; init; }
}

public enum CheckpointRemoval { None, Speculative, ByLevel, Random }

/// <summary>The <c>checkpoints</c> section: when to write checkpoints, the checkpoint budget and what is kept.</summary>
public sealed record CheckpointSpec
{
    /// <summary>Checkpoint every epoch instead of only at rung levels.</summary>
    public bool EveryEpoch { get; init; }
    /// <summary>Trials allowed to hold a checkpoint (running plus paused with one); required unless removal is none.</summary>
    public int? MaxNumCheckpoints { get; init; }
    /// <summary>Which paused trials lose their checkpoint when the limit is exceeded.</summary>
    public CheckpointRemoval Removal { get; init; } = CheckpointRemoval.None;
    /// <summary>R in the speculative score (cost O(R^3)).</summary>
    public int ApproxSteps { get; init; } = 25;
    /// <summary>Prior mean of p, the probability that a new arrival beats a paused trial.</summary>
    public double PriorBetaMean { get; init; } = 0.33;
    /// <summary>Prior effective sample size of that estimator.</summary>
    public double PriorBetaSize { get; init; } = 2;
    /// <summary>Observations a rung needs before its own estimator replaces the pooled one.</summary>
    public int MinDataAtRung { get; init; } = 5;
    /// <summary>Delete the checkpoint of a trial once it is stopped, completed or failed.</summary>
    public bool DeleteFinished { get; init; } = true;
    /// <summary>Final checkpoints of the best K trials kept at the end.</summary>
    public int KeepBest { get; init; } = 1;
    /// <summary>A completed trial writes its final checkpoint: finished checkpoints are deleted but the best K are kept.</summary>
    public bool KeepsFinalCheckpoint => DeleteFinished && KeepBest > 0;
}
