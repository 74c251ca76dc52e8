using System.Globalization;

/// <summary>(trial, epoch) of every row of results.csv (columns trial_id, st_tuner_time, st_worker_time, st_decision, epochs, ...).</summary>
internal static class Results
{
    public static List<(int Trial, int Epoch)> Read(string csv) =>
        File.Exists(csv)
            ? [.. File.ReadLines(csv).Skip(1).Select(l => l.Split(',')).Select(r => (int.Parse(r[0], CultureInfo.InvariantCulture), int.Parse(r[4], CultureInfo.InvariantCulture)))]
            : [];
}
