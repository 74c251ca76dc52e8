namespace OrleansHpo.Core.Spec;

/// <summary>The outcome of <see cref="SpecParser.Parse"/>: a spec, or every problem found (never both).</summary>
public sealed record SpecParseResult(ExperimentSpec? Spec, IReadOnlyList<SpecError> Errors)
{
    public bool Ok => Spec is not null && Errors.Count == 0;
}
