namespace OrleansHpo.Core.Search;

/// <summary>A suggested config and where it came from ("initial", "random", "grid", "model").</summary>
public sealed record Suggestion(IReadOnlyDictionary<string, object> Config, string Source);
