namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>What a trial does after a report (Syne Tune's st_decision).</summary>
[GenerateSerializer, Alias("hpo.TrialDecision")]
public enum TrialDecision
{
    Continue = 0,
    Pause = 1,
    Stop = 2,
}
