namespace OrleansHpo.Results;

/// <summary>
/// The columns of <c>results.csv</c>, defined once for the writer (<see cref="ResultsWriter"/>) and every reader
/// (<see cref="ResultsTail"/>, the dashboard, the client's results verbs). Syne Tune's column names
/// (syne_tune/constants.py: ST_TUNER_TIME, ST_WORKER_TIME, ST_DECISION): trial_id, st_tuner_time, st_worker_time,
/// st_decision, the resource attribute, the trainable's metrics, config_NAME per hyperparameter, then
/// st_retrained_epochs and st_config_source (absent from files written before it existed).
/// </summary>
public static class ResultsSchema
{
    /// <summary>The trial's id (column 0).</summary>
    public const string TrialId = "trial_id";

    /// <summary>Seconds since the experiment started (column 1; simulated seconds for a simulated run).</summary>
    public const string TunerTime = "st_tuner_time";

    /// <summary>Seconds since the trial's run started on its worker (column 2).</summary>
    public const string WorkerTime = "st_worker_time";

    /// <summary>The scheduler's decision after the report: CONTINUE, PAUSE or STOP (column 3).</summary>
    public const string Decision = "st_decision";

    /// <summary>Column index of the resource attribute (e.g. "epoch"), named by the spec's resource_attr.</summary>
    public const int ResourceColumn = 4;

    /// <summary>Column index of the first metric; metrics run up to the first config_ or trailing column.</summary>
    public const int FirstMetricColumn = 5;

    /// <summary>Prefix of a hyperparameter's column: config_NAME.</summary>
    public const string ConfigPrefix = "config_";

    /// <summary>Epochs retrained from scratch just before this report (checkpoint missing or corrupt); 0 normally.</summary>
    public const string RetrainedEpochs = "st_retrained_epochs";

    /// <summary>Where the trial's config came from (initial, random, grid, model: <see cref="Core.Search.SuggestionSource"/>).</summary>
    public const string ConfigSource = "st_config_source";

    /// <summary>The columns after the config_ columns, in order.</summary>
    public static IReadOnlyList<string> TrailingColumns { get; } = [RetrainedEpochs, ConfigSource];

    /// <summary>The header of a new results.csv.</summary>
    public static IReadOnlyList<string> Header(string resourceAttr, IEnumerable<string> metrics, IEnumerable<string> hyperparameters) =>
        [TrialId, TunerTime, WorkerTime, Decision, resourceAttr, .. metrics, .. hyperparameters.Select(ConfigColumn), .. TrailingColumns];

    /// <summary>config_NAME for hyperparameter NAME.</summary>
    public static string ConfigColumn(string hyperparameter) => ConfigPrefix + hyperparameter;

    /// <summary>True for a config_NAME column.</summary>
    public static bool IsConfigColumn(string column) => column.StartsWith(ConfigPrefix, StringComparison.Ordinal);

    /// <summary>NAME of a config_NAME column.</summary>
    public static string HyperparameterOf(string configColumn) => configColumn[ConfigPrefix.Length..];

    /// <summary>True for the st_ columns that follow the config_ columns.</summary>
    public static bool IsTrailingColumn(string column) => column is RetrainedEpochs or ConfigSource;

    /// <summary>The metric columns of a header: from <see cref="FirstMetricColumn"/> to the first config_ or trailing column.</summary>
    public static IReadOnlyList<string> MetricColumns(IReadOnlyList<string> header) =>
        [.. header.Skip(FirstMetricColumn).TakeWhile(h => !IsConfigColumn(h) && !IsTrailingColumn(h))];
}
