namespace OrleansHpo.Core.Search;

/// <summary>The spec's <c>searcher</c> section names an unknown type or options its provider rejects (a spec error: exit 2).</summary>
public sealed class SearcherSpecException : ArgumentException
{
    public SearcherSpecException(string message) : base(message)
    {
    }

    public SearcherSpecException(string message, Exception inner) : base(message, inner)
    {
    }
}
