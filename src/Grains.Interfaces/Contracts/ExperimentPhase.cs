namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>Where an experiment is in its life.</summary>
[GenerateSerializer, Alias("hpo.ExperimentPhase")]
public enum ExperimentPhase
{
    NotStarted = 0,
    Running = 1,
    /// <summary>A stop criterion fired or a stop was requested; running trials are being stopped.</summary>
    Stopping = 2,
    Completed = 3,
    Failed = 4,
}
