namespace OrleansHpo.Grains.Interfaces.Contracts;

/// <summary>Start an experiment from a validated spec.</summary>
/// <param name="SpecJson">The spec JSON (after --set overrides); the grain validates it again.</param>
/// <param name="ResultsDir">Folder for results.csv, metadata.json and checkpoints (DIR/NAME).</param>
[GenerateSerializer, Immutable, Alias("hpo.StartExperimentRequest")]
public sealed record StartExperimentRequest(
    [property: Id(0)] string SpecJson,
    [property: Id(1)] string ResultsDir);
