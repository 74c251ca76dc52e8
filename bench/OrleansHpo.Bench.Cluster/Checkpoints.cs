using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>The experiment's checkpoint folder: checkpoints/trial-N/epoch-E.fence-F.ckpt.</summary>
internal static partial class Checkpoints
{
    [GeneratedRegex(@"trial-(\d+)[/\\]epoch-(\d+)\.")]
    private static partial Regex Name();

    /// <summary>Per trial, the newest epoch with a checkpoint file on disk now.</summary>
    public static Dictionary<int, int> Newest(string folder)
    {
        var newest = new Dictionary<int, int>();
        if (!Directory.Exists(folder))
        {
            return newest;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.ckpt", SearchOption.AllDirectories))
        {
            if (Name().Match(file) is { Success: true } m)
            {
                int trial = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                int epoch = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                newest[trial] = Math.Max(newest.GetValueOrDefault(trial), epoch);
            }
        }
        return newest;
    }
}
