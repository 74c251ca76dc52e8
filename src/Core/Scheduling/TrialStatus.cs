namespace OrleansHpo.Core.Scheduling;

/// <summary>Lifecycle of a trial. Paused is never Completed (Syne Tune bug #445).</summary>
public enum TrialStatus
{
    New = 0,
    Running = 1,
    Paused = 2,
    /// <summary>Stopped early by the scheduler or by the experiment's stop criterion.</summary>
    Stopped = 3,
    /// <summary>Trained up to max_t.</summary>
    Completed = 4,
    Failed = 5,
}
