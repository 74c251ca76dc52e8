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
        else if (parsed.Spec is { } known && registry.Get(known.Trainable) is { MetricNames.Count: > 0 } factory)
        {
            // Checked before anything runs: a metric the trainable never reports would fail every trial.
            if (!factory.MetricNames.Contains(known.Metric))
            {
                errors.Add(new SpecError("metric", $"'{known.Metric}' is not a metric of trainable '{known.Trainable}'; it reports: {string.Join(", ", factory.MetricNames)}"));
            }
            if (factory.MetricNames.Contains(known.ResourceAttr))
            {
                errors.Add(new SpecError("resource_attr", $"'{known.ResourceAttr}' is a metric of trainable '{known.Trainable}' ({string.Join(", ", factory.MetricNames)}); name the resource column otherwise, e.g. \"epoch\""));
            }
        }
        if (errors.Count > 0)
        {
            throw new UserError($"invalid spec {source}:\n" + string.Join("\n", errors.Select(e => "  " + e)));
        }
        return parsed.Spec!;
    }
}
