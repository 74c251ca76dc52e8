using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;

namespace OrleansHpo.Client;

/// <summary>Reads a spec file, applies --set overrides and validates it, or fails with every problem named.</summary>
public static class SpecLoader
{
    public static ExperimentSpec Load(string path, IReadOnlyList<string> overrides, TrainableRegistry registry)
    {
        if (!File.Exists(path))
        {
            throw new UserError($"spec: no file at {Path.GetFullPath(path)}");
        }
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"spec: cannot read {path}: {e.Message}");
        }
        return Validate(json, overrides, registry, path);
    }

    public static ExperimentSpec Validate(string json, IReadOnlyList<string> overrides, TrainableRegistry registry, string source)
    {
        var parsed = SpecParser.Parse(json, overrides);
        var errors = parsed.Errors.ToList();
        if (parsed.Spec is { } spec && !registry.TryGet(spec.Trainable, out _))
        {
            errors.Add(new SpecError("trainable", $"no trainable is registered as '{spec.Trainable}'; registered: {string.Join(", ", registry.Names)} (add your own with --trainables PATH.dll)"));
        }
        if (errors.Count > 0)
        {
            throw new UserError($"invalid spec {source}:\n" + string.Join("\n", errors.Select(e => "  " + e)));
        }
        return parsed.Spec!;
    }
}
