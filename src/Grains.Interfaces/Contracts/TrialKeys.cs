namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>Trial grain keys: "experiment/trialId".</summary>
public static class TrialKeys
{
    public static string Of(string experiment, int trialId) => $"{experiment}/{trialId}";

    public static (string Experiment, int TrialId) Parse(string key)
    {
        var slash = key.LastIndexOf('/');
        return (key[..slash], int.Parse(key[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
