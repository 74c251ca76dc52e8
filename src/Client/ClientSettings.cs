using Microsoft.Extensions.Configuration;

namespace OrleansHpo.Client;

/// <summary>
/// How the embedded silo of <c>hpo run</c> / <c>hpo resume</c> / <c>hpo check</c> trains, from the "Hpo" section of
/// <c>appsettings.json</c> (next to hpo.dll, then the current folder) and <c>HPO_</c>-prefixed environment variables
/// (<c>HPO_Hpo__Device=cpu</c>); command-line options override both.
/// <code>{ "Hpo": { "Trainables": ["samples/custom-trainable/bin/Release/net10.0/CustomTrainable.dll"], "Device": "auto", "IntraOpThreads": 0 } }</code>
/// </summary>
public sealed class ClientSettings
{
    /// <summary>Class libraries with extra trainables (added to those given with --trainables).</summary>
    public List<string> Trainables { get; set; } = [];

    /// <summary>Training device: "auto" (CUDA when present, else CPU), "cpu", "cuda", "cuda:N".</summary>
    public string Device { get; set; } = "auto";

    /// <summary>TorchSharp intra-op threads per trial; 0 = cores / worker slots.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Seconds a cancelled run may take to stop before it is abandoned (<c>HPO_Hpo__CancelGraceSeconds</c>).</summary>
    public double CancelGraceSeconds { get; set; } = 30;

    /// <summary>Reads the settings files and environment; relative trainable paths are taken from the file's folder.</summary>
    public static ClientSettings Load()
    {
        var settings = new ClientSettings();
        foreach (var folder in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() }.Distinct())
        {
            var file = Path.Combine(folder, "appsettings.json");
            if (!File.Exists(file))
            {
                continue;
            }
            var fromFile = new ClientSettings();
            new ConfigurationBuilder().AddJsonFile(file, optional: true).Build().GetSection("Hpo").Bind(fromFile);
            settings.Trainables.AddRange(fromFile.Trainables.Select(t => Path.GetFullPath(t, folder)));
            settings.Device = fromFile.Device;
            settings.IntraOpThreads = fromFile.IntraOpThreads;
            settings.CancelGraceSeconds = fromFile.CancelGraceSeconds;
        }
        var environment = new ConfigurationBuilder().AddEnvironmentVariables("HPO_").Build().GetSection("Hpo");
        var fromEnvironment = new ClientSettings { Device = settings.Device, IntraOpThreads = settings.IntraOpThreads, CancelGraceSeconds = settings.CancelGraceSeconds };
        environment.Bind(fromEnvironment);
        settings.Trainables.AddRange(fromEnvironment.Trainables);
        settings.Device = fromEnvironment.Device;
        settings.IntraOpThreads = fromEnvironment.IntraOpThreads;
        settings.CancelGraceSeconds = fromEnvironment.CancelGraceSeconds;
        return settings;
    }

    /// <summary>These settings with the command line's values where given.</summary>
    public ClientSettings With(IEnumerable<string> trainables, string? device, int? intraOpThreads) => new()
    {
        Trainables = [.. Trainables, .. trainables],
        Device = string.IsNullOrWhiteSpace(device) ? Device : device,
        IntraOpThreads = intraOpThreads ?? IntraOpThreads,
        CancelGraceSeconds = CancelGraceSeconds,
    };
}
