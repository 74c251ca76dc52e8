using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// Names shared by the stores: <c>trial-N/epoch-E.fence-F.ckpt</c>. The fence token in the name means two runs
/// never write the same name, so even a racing stale writer cannot replace a newer run's bytes.
/// </summary>
internal static partial class CheckpointNames
{
    public const string Extension = ".ckpt";

    public static string TrialFolder(int trialId) => $"trial-{trialId.ToString(CultureInfo.InvariantCulture)}";

    public static string File(int epoch, long fence) =>
        $"epoch-{epoch.ToString(CultureInfo.InvariantCulture)}.fence-{fence.ToString(CultureInfo.InvariantCulture)}{Extension}";

    /// <summary>Parse <c>trial-N/epoch-E.fence-F.ckpt</c> (the end of a path or blob name).</summary>
    public static bool TryParse(string trialFolder, string file, out int trialId, out int epoch, out long fence)
    {
        trialId = epoch = 0;
        fence = 0;
        var t = TrialPattern().Match(trialFolder);
        var f = FilePattern().Match(file);
        return t.Success && f.Success
            && int.TryParse(t.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out trialId)
            && int.TryParse(f.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out epoch)
            && long.TryParse(f.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out fence);
    }

    /// <summary>An experiment name as one path segment / blob name segment (names are already restricted by the spec validator).</summary>
    public static string Segment(string experiment) => Uri.EscapeDataString(experiment);

    [GeneratedRegex(@"^trial-(\d+)$")]
    private static partial Regex TrialPattern();

    [GeneratedRegex(@"^epoch-(\d+)\.fence-(\d+)\.ckpt$")]
    private static partial Regex FilePattern();
}
