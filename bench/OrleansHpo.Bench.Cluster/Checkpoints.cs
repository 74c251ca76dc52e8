using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>The experiment's checkpoints: trial-N/epoch-E.fence-F.ckpt in its folder (Redis backend) or blob container (Azure).</summary>
internal static partial class Checkpoints
{
    [GeneratedRegex(@"trial-(\d+)[/\\]epoch-(\d+)\.")]
    private static partial Regex Name();

    /// <summary>Per trial, the newest epoch with a checkpoint file on disk now.</summary>
    public static Dictionary<int, int> Newest(OrleansHpo.Testing.ClusterStoreServer store, string serviceId, string experiment, string folder)
    {
        if (store is not OrleansHpo.Testing.AzuriteServer azurite)
        {
            return Newest(folder);
        }
        // HpoStoreProviders: container hpo-checkpoints, names SERVICE-ID/EXPERIMENT/trial-N/epoch-E.fence-F.ckpt.
        var container = azurite.Blobs().GetBlobContainerClient("hpo-checkpoints");
        var newest = new Dictionary<int, int>();
        if (!container.Exists())
        {
            return newest;
        }
        foreach (var blob in container.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{serviceId}/{experiment}/", default))
        {
            Add(newest, blob.Name);
        }
        return newest;
    }

    private static void Add(Dictionary<int, int> newest, string name)
    {
        if (name.EndsWith(".ckpt", StringComparison.Ordinal) && Name().Match(name) is { Success: true } m)
        {
            int trial = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            int epoch = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            newest[trial] = Math.Max(newest.GetValueOrDefault(trial), epoch);
        }
    }

    public static Dictionary<int, int> Newest(string folder)
    {
        var newest = new Dictionary<int, int>();
        if (!Directory.Exists(folder))
        {
            return newest;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.ckpt", SearchOption.AllDirectories))
        {
            Add(newest, file);
        }
        return newest;
    }
}
