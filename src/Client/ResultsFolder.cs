namespace OrleansHpo.Client;

/// <summary>Where an experiment's files live: DIR/NAME/{spec.json, results.csv, metadata.json, checkpoints/, state/, .lock, .owner}.</summary>
public sealed record ResultsFolder(string Root, string Name)
{
    public static string DefaultRoot =>
        Environment.GetEnvironmentVariable("HPO_RESULTS_DIR")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "orleans-hpo");

    public string Directory => Path.Combine(Path.GetFullPath(Root), Name);
    public string StateDirectory => Path.Combine(Directory, "state");
    public string Metadata => Path.Combine(Directory, "metadata.json");
    public string ResultsCsv => Path.Combine(Directory, "results.csv");

    /// <summary>The validated spec, written before the silo starts, so that a run killed before its first state write can be resumed.</summary>
    public string SpecFile => Path.Combine(Directory, "spec.json");

    /// <summary>
    /// Whether an experiment lives here: its spec, metadata or persisted state. The one test used by run (exists?),
    /// resume and list, so they never disagree; an empty state folder (a run killed before it wrote anything) is no
    /// experiment.
    /// </summary>
    public bool Exists => IsExperiment(Directory);

    /// <summary>Writes the spec (atomically) that resume reads when metadata.json was never written.</summary>
    public void WriteSpec(string specJson)
    {
        var temp = SpecFile + ".tmp";
        File.WriteAllText(temp, specJson);
        File.Move(temp, SpecFile, overwrite: true);
    }

    /// <summary>Names of the experiments under <paramref name="root"/> (folders moved aside by --overwrite, named ".NAME...", are not).</summary>
    public static IReadOnlyList<string> Known(string root) =>
        System.IO.Directory.Exists(root)
            ? System.IO.Directory.EnumerateDirectories(root)
                .Where(d => !Path.GetFileName(d).StartsWith('.') && IsExperiment(d))
                .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The folder of an existing experiment, or a user error naming the known ones.</summary>
    public static ResultsFolder Existing(string root, string name)
    {
        var folder = new ResultsFolder(root, name);
        if (!folder.Exists)
        {
            var known = Known(root);
            throw new UserError(known.Count == 0
                ? $"no experiment named '{name}' in {Path.GetFullPath(root)} (no experiments there yet; start one with: hpo run SPEC --results-dir {root})"
                : $"no experiment named '{name}' in {Path.GetFullPath(root)}; known: {string.Join(", ", known)}");
        }
        return folder;
    }

    /// <summary>An existing experiment with metadata.json (what the results verbs read), or a user error saying why not.</summary>
    public static ResultsFolder WithMetadata(string root, string name)
    {
        var folder = Existing(root, name);
        if (!File.Exists(folder.Metadata))
        {
            throw new UserError($"experiment '{name}' in {folder.Directory} has not written results yet (its run ended before its first state write): " +
                                $"`hpo resume {name} --results-dir {root}` runs it, `hpo run SPEC --overwrite` starts it over");
        }
        return folder;
    }

    private static bool IsExperiment(string directory) =>
        File.Exists(Path.Combine(directory, "metadata.json"))
        || File.Exists(Path.Combine(directory, "spec.json"))
        || (System.IO.Directory.Exists(Path.Combine(directory, "state")) && System.IO.Directory.EnumerateFileSystemEntries(Path.Combine(directory, "state")).Any());
}
