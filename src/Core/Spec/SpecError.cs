namespace OrleansHpo.Core.Spec;

/// <summary>One problem with a spec: the JSON path (e.g. <c>config_space.lr.lower</c>) and what is wrong and allowed.</summary>
public sealed record SpecError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
