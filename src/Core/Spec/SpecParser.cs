using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansHpo.Core.Spec;

/// <summary>
/// Reads an experiment spec (snake_case JSON in Syne Tune's vocabulary), applies <c>--set path=value</c> overrides and
/// validates it, collecting every error with its JSON path. Never throws.
/// </summary>
public static class SpecParser
{
    /// <summary>Keys allowed at the top level of a spec.</summary>
    public static IReadOnlyList<string> TopLevelKeys { get; } =
    [
        "name", "trainable", "config_space", "metric", "mode", "resource_attr", "max_resource_attr", "scheduler",
        "searcher", "points_to_evaluate", "n_workers", "stop", "max_failures", "checkpoints",
    ];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowDuplicateProperties = false,
        MaxDepth = 64,
    };

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Parses and validates <paramref name="json"/> after applying <paramref name="overrides"/> (each <c>path=value</c>,
    /// e.g. <c>stop.max_wallclock_seconds=30</c>; the value is JSON if it parses as JSON, else a string; missing objects on
    /// the path are created).
    /// </summary>
    public static SpecParseResult Parse(string json, IReadOnlyList<string>? overrides = null)
    {
        try
        {
            return ParseCore(json, overrides);
        }
        catch (Exception e)
        {
            // Defence in depth: the validator is written not to throw, but a spec must never crash the caller.
            return new SpecParseResult(null, [new SpecError("$", $"cannot read the spec: {e.Message}")]);
        }
    }

    private static SpecParseResult ParseCore(string? json, IReadOnlyList<string>? overrides)
    {
        var errors = new List<SpecError>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return new SpecParseResult(null, [new SpecError("$", "the spec is empty; expected a JSON object")]);
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            return new SpecParseResult(null, [new SpecError("$", InvalidJson(e))]);
        }
        if (root is not JsonObject rootObject)
        {
            return new SpecParseResult(null, [new SpecError("$", $"the spec must be a JSON object, got {Describe(root)}")]);
        }
        foreach (var o in overrides ?? [])
        {
            ApplyOverride(rootObject, o, errors);
        }
        var sourceJson = rootObject.ToJsonString(WriteOptions);
        using var doc = JsonDocument.Parse(sourceJson, DocumentOptions);
        var spec = new SpecValidator(errors).Validate(doc.RootElement, sourceJson);
        return errors.Count == 0 && spec is not null
            ? new SpecParseResult(spec, [])
            : new SpecParseResult(null, errors);
    }

    private static string InvalidJson(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }
        if (cut > 0)
        {
            message = message[..cut];
        }
        var where = e.LineNumber is { } line
            ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}"
            : string.Empty;
        return $"invalid JSON{where}: {message}";
    }

    private static void ApplyOverride(JsonObject root, string? text, List<SpecError> errors)
    {
        const string path = "--set";
        var eq = text?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        if (text is null || eq <= 0)
        {
            errors.Add(new SpecError(path, $"'{text}' is not of the form path=value (e.g. stop.max_wallclock_seconds=30)"));
            return;
        }
        var segments = text[..eq].Trim().Split('.');
        if (segments.Any(s => s.Length == 0))
        {
            errors.Add(new SpecError(path, $"'{text}': the path '{text[..eq]}' has an empty segment; use dot-separated keys like scheduler.type"));
            return;
        }
        var valueText = text[(eq + 1)..];
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(valueText, documentOptions: DocumentOptions);
        }
        catch (JsonException)
        {
            value = JsonValue.Create(valueText);
        }
        var current = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var child = current[segments[i]];
            if (child is null)
            {
                child = new JsonObject();
                current[segments[i]] = child;
            }
            if (child is not JsonObject childObject)
            {
                errors.Add(new SpecError(path, $"'{text}': {string.Join('.', segments[..(i + 1)])} is {Describe(child)}, not an object, so it has no key '{segments[i + 1]}'"));
                return;
            }
            current = childObject;
        }
        current[segments[^1]] = value;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => node.ToJsonString(),
    };
}
