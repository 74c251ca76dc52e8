using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansHpo.Dashboard;

/// <summary>
/// Keeps secrets off the pages: spec properties whose names say they hold one (connection strings, keys, tokens,
/// passwords) and values that look like a connection string with credentials are replaced by "(hidden)".
/// </summary>
public static partial class Secrets
{
    public const string Hidden = "(hidden)";

    /// <summary>A copy of <paramref name="node"/> with secrets replaced.</summary>
    public static JsonNode? Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                {
                    copy[key] = SecretName().IsMatch(key) && value is not null ? JsonValue.Create(Hidden) : Redact(value);
                }
                return copy;
            case JsonArray a:
                var array = new JsonArray();
                foreach (var item in a)
                {
                    array.Add(Redact(item));
                }
                return array;
            case JsonValue v when v.TryGetValue<string>(out var s):
                return JsonValue.Create(RedactText(s));
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>Hides the credentials of a connection string or URL (user:password@, AccountKey=, SharedAccessSignature=, password=).</summary>
    public static string RedactText(string text)
    {
        if (SecretValue().IsMatch(text))
        {
            return Hidden;
        }
        return UserInfo().Replace(text, "$1(hidden)@");
    }

    [GeneratedRegex(@"connection|secret|password|passwd|token|credential|(^|_)sas($|_)|(^|_)(account_)?key$|apikey|api_key", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"AccountKey=|SharedAccessSignature=|(^|;)\s*password=|sig=", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();

    [GeneratedRegex(@"^([a-z][a-z0-9+.-]*://)[^/@\s]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UserInfo();
}
