namespace OrleansHpo.Core.Scheduling;

/// <summary>Grain keys: trials are "experiment/trialId", rungs "experiment/bracket/level".</summary>
public static class RungKeys
{
    public static string Of(string experiment, int bracket, int level) => $"{experiment}/{bracket}/{level}";
}
