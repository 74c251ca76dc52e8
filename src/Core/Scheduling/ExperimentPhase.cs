namespace OrleansHpo.Core.Scheduling;

/// <summary>Where an experiment is in its life.</summary>
public enum ExperimentPhase
{
    NotStarted = 0,
    Running = 1,
    /// <summary>A stop criterion fired or a stop was requested; running trials are being stopped.</summary>
    Stopping = 2,
    Completed = 3,
    Failed = 4,
}
