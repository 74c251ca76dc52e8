namespace OrleansHpo.Client;

/// <summary>Where an experiment's files live: DIR/NAME/{results.csv, metadata.json, checkpoints/, state/}.</summary>
public sealed record ResultsFolder(string Root, string Name)
{
    public static string DefaultRoot =>
        Environment.GetEnvironmentVariable("HPO_RESULTS_DIR")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "orleans-hpo");

    public string Directory => Path.Combine(Path.GetFullPath(Root), Name);
    public string StateDirectory => Path.Combine(Directory, "state");
    public string Metadata => Path.Combine(Directory, "metadata.json");
    public string ResultsCsv => Path.Combine(Directory, "results.csv");
    public bool Exists => System.IO.Directory.Exists(StateDirectory) || File.Exists(Metadata);

    /// <summary>Names of the experiments under <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> Known(string root) =>
        System.IO.Directory.Exists(root)
            ? System.IO.Directory.EnumerateDirectories(root)
                .Where(d => File.Exists(Path.Combine(d, "metadata.json")))
                .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The folder of an existing experiment, or a user error naming the known ones.</summary>
    public static ResultsFolder Existing(string root, string name)
    {
        var folder = new ResultsFolder(root, name);
        if (!File.Exists(folder.Metadata))
        {
            var known = Known(root);
            throw new UserError(known.Count == 0
                ? $"no experiment named '{name}' in {Path.GetFullPath(root)} (no experiments there yet; start one with: hpo run SPEC --results-dir {root})"
                : $"no experiment named '{name}' in {Path.GetFullPath(root)}; known: {string.Join(", ", known)}");
        }
        return folder;
    }
}
