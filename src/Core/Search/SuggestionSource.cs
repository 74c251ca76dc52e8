namespace OrleansHpo.Core.Search;

/// <summary>The <see cref="Suggestion.Source"/> values of the built-in searchers (results.csv st_config_source).</summary>
public static class SuggestionSource
{
    public const string Initial = "initial";
    public const string Random = "random";
    public const string Grid = "grid";
    public const string Model = "model";
}
