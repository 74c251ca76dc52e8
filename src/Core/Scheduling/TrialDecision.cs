namespace OrleansHpo.Core.Scheduling;

/// <summary>What a trial does after a report (Syne Tune's st_decision).</summary>
public enum TrialDecision
{
    Continue = 0,
    Pause = 1,
    Stop = 2,
}
