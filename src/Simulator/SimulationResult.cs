namespace OrleansHpo.Simulator;

/// <summary>What a simulation did.</summary>
/// <param name="Directory">Folder holding results.csv and metadata.json.</param>
/// <param name="SimulatedSeconds">Simulated wall-clock time at the end.</param>
/// <param name="WallSeconds">Real seconds the simulation took.</param>
/// <param name="Started">Trials started.</param>
/// <param name="Completed">Trials that reached max_t.</param>
/// <param name="Stopped">Trials stopped (by the scheduler or the end of the experiment).</param>
/// <param name="Paused">Trials left paused.</param>
/// <param name="Failed">Trials that failed.</param>
/// <param name="Promotions">Promotions (resumes of paused trials).</param>
/// <param name="Reports">Rows written to results.csv.</param>
/// <param name="BestTrialId">Trial of the best report.</param>
/// <param name="BestValue">Best metric value.</param>
/// <param name="StopReason">Why the experiment ended.</param>
public sealed record SimulationResult(
    string Directory,
    double SimulatedSeconds,
    double WallSeconds,
    int Started,
    int Completed,
    int Stopped,
    int Paused,
    int Failed,
    int Promotions,
    long Reports,
    int? BestTrialId,
    double? BestValue,
    string StopReason);
