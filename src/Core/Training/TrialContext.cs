namespace OrleansHpo.Core.Training;

/// <summary>What a trainable is told about the trial it runs.</summary>
/// <param name="TrialId">Trial id within the experiment (0-based, never reused).</param>
/// <param name="Config">Hyperparameter values: long, double, string or bool.</param>
/// <param name="StartEpoch">First epoch this run trains (resume_from + 1, or 1 from scratch).</param>
/// <param name="StopEpoch">Last epoch this run trains (the next milestone: max_resource_attr semantics).</param>
/// <param name="RungLevels">Epochs at which the scheduler may pause the trial (where checkpoints matter).</param>
/// <param name="Device">Training device requested by the silo (e.g. "cpu", "cuda:0").</param>
/// <param name="Seed">Seed for the trial's RNGs, derived from the experiment seed and trial id.</param>
/// <param name="IntraOpThreads">Threads the trainable may use for one op.</param>
public sealed record TrialContext(
    int TrialId,
    IReadOnlyDictionary<string, object> Config,
    int StartEpoch,
    int StopEpoch,
    IReadOnlyList<int> RungLevels,
    string Device,
    int Seed,
    int IntraOpThreads);
