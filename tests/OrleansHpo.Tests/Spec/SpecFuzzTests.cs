using System.Text.Json.Nodes;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Tests.Spec;

/// <summary>
/// Deterministic mutations of a valid spec (wrong types, missing fields, empty or inverted ranges, unknown names,
/// NaN-like strings, 1e400, overflowing integers, negative values, unknown keys, broken JSON): each must be rejected
/// with an error on the mutated field (or <c>$</c> for broken JSON) and never throw.
/// </summary>
public class SpecFuzzTests
{
    /// <summary>A mutation: a readable name, the spec text and the path (prefix) an error must name.</summary>
    internal sealed record Case(string Name, string Json, string ExpectedPath)
    {
        public override string ToString() => Name;
    }

    private const string Raw = "__RAW__";

    private static readonly string Base = JsonNode.Parse(SpecSamples.Full)!.ToJsonString();

    // Values that no integer field accepts ("R:" = raw JSON text spliced in).
    private static readonly object[] NotAnInteger = ["abc", "NaN", "Infinity", "-Infinity", true, "[]", "{}", 2.5, "R:1e400", "R:-1e400", "R:99999999999999999999", "R:2147483648"];
    private static readonly object[] NotAPositiveInteger = [.. NotAnInteger, -1, 0];
    private static readonly object[] NotAPositiveNumber = ["abc", "NaN", "Infinity", true, "[]", "{}", -1, 0, -0.5, "R:1e400", "R:-1e400"];
    private static readonly object[] NotANumber = ["abc", "NaN", "-Infinity", false, "[]", "{}", "R:1e400", "R:-1e400"];
    private static readonly object[] NotAString = [42, true, "[]", "{}", "", "  "];
    private static readonly object[] NotABool = ["yes", "true", 1, 0, "[]"];

    internal static IEnumerable<Case> AllCases()
    {
        var cases = new List<Case>();

        void Set(string path, object value, string? expected = null) =>
            cases.Add(new Case($"{path} = {value}", Mutate(path, value), expected ?? path));

        void Remove(string path, string? expected = null) =>
            cases.Add(new Case($"remove {path}", Mutate(path, null, remove: true), expected ?? path));

        void Each(string path, object[] values)
        {
            foreach (var v in values)
            {
                Set(path, v);
            }
        }

        // Integer fields.
        foreach (var p in new[] { "n_workers", "scheduler.grace_period", "scheduler.max_t", "scheduler.brackets", "stop.max_trials_started",
                     "stop.max_trials_completed", "checkpoints.max_num_checkpoints", "checkpoints.approx_steps", "checkpoints.min_data_at_rung" })
        {
            Each(p, NotAPositiveInteger);
        }
        Each("max_failures", [.. NotAnInteger, -1]);
        Each("checkpoints.keep_best", [.. NotAnInteger, -1]);
        Each("searcher.seed", NotAnInteger);
        Each("searcher.grid_points", [.. NotAPositiveInteger, 1]);
        Each("n_workers", [4097, 100000]);

        // Number fields.
        Each("stop.max_wallclock_seconds", NotAPositiveNumber);
        Each("checkpoints.prior_beta_size", NotAPositiveNumber);
        Each("scheduler.reduction_factor", [.. NotAPositiveNumber, 1, 1.5]);
        Each("checkpoints.prior_beta_mean", [.. NotAPositiveNumber, 1, 1.5]);
        Each("stop.metric_threshold", NotANumber);

        // Strings, enums and bools.
        Each("name", [.. NotAString, "a/b", "..", "has space", "é", new string('x', 201)]);
        Each("trainable", NotAString);
        Each("metric", NotAString);
        Each("resource_attr", NotAString);
        Each("max_resource_attr", NotAString);
        Each("mode", ["MIN", "median", 1, "", true]);
        Each("scheduler.type", ["ashaa", "ASHA", "bohb", 3, "", "[]"]);
        Each("scheduler.variant", ["promo", "Stopping", 0, false]);
        Each("searcher.type", ["Random", "bay es", 1]);
        Each("checkpoints.removal", ["all", "by-level", 2, true]);
        Each("checkpoints.every_epoch", NotABool);
        Each("checkpoints.delete_finished", NotABool);
        // A removal policy needs a limit and a promotion-type scheduler.
        Remove("checkpoints.max_num_checkpoints");
        Set("scheduler.variant", "stopping", "checkpoints.removal");

        // Missing required fields.
        Remove("name");
        Remove("trainable");
        Remove("metric");
        Remove("config_space");
        Remove("stop");
        cases.Add(new Case("remove scheduler.max_t and max_resource_attr", Mutate("max_resource_attr", null, remove: true, then: ("scheduler.max_t", null)), "scheduler.max_t"));

        // Sections of the wrong type.
        Each("scheduler", ["asha", 5, "[]", true]);
        Each("searcher", ["random", 1, "[]"]);
        Each("stop", [30, "[]", "{}", "soon"]);
        Each("checkpoints", [true, "[]", "all"]);
        Each("config_space", ["[]", 3, "lr"]);
        Each("points_to_evaluate", ["{}", 5, "x"]);

        // Domains: empty / inverted ranges, bad bounds, unknown types, missing keys.
        Set("config_space.lr.lower", 0);
        Set("config_space.lr.lower", -1);
        Set("config_space.lr.lower", 1.0, "config_space.lr.upper");
        Set("config_space.lr.upper", 0.00001);
        Set("config_space.m.upper", 0.0);
        Set("config_space.m.upper", -3);
        Set("config_space.width.lower", 0);
        Set("config_space.width.lower", 1000, "config_space.width.upper");
        Set("config_space.width.lower", 2.5);
        Set("config_space.width.upper", "R:1e16");
        Set("config_space.depth.upper", 0);
        Set("config_space.width.log", "yes");
        Set("config_space.act.values", "[]");
        Set("config_space.act.values", "relu");
        Set("config_space.act.values", "[[1]]");
        Set("config_space.act.values", "[\"a\", \"a\"]");
        Set("config_space.act.values", "[null]");
        Set("config_space.act.values", "[{}]");
        Set("config_space.lr.type", "logunif");
        Set("config_space.lr.type", 5);
        Set("config_space.lr.type", "fixed");
        Set("config_space.lr", "[]");
        Set("config_space.lr", "R:null");
        Set("config_space.scale", "R:1e400");
        Set("config_space.scale", "[1, 2]");
        foreach (var p in new[] { "config_space.lr", "config_space.m", "config_space.width", "config_space.depth" })
        {
            foreach (var bad in new object[] { "NaN", "Infinity", "R:1e400", "R:-1e400", "abc", true, "[]" })
            {
                Set(p + ".lower", bad);
                Set(p + ".upper", bad);
            }
            Remove(p + ".lower");
            Remove(p + ".upper");
            Remove(p + ".type");
        }
        Remove("config_space.act.values");

        // Unknown keys (typos).
        foreach (var p in new[] { "nme", "schedular", "n_worker", "scheduler.grace", "scheduler.maxt", "searcher.sed", "stop.max_time", "checkpoints.keepbest",
                     "config_space.lr.lowr", "config_space.width.logg", "config_space.act.value" })
        {
            Set(p, 1);
        }

        // Relations between fields.
        Set("scheduler.max_t", 2, "scheduler.max_t"); // == grace_period
        Set("scheduler.grace_period", 40, "scheduler.max_t");
        Set("scheduler.rung_levels", "[5, 2]");
        Set("scheduler.rung_levels", "[2, 40]");
        Set("scheduler.rung_levels", "[]");
        Set("scheduler.rung_levels", "[0, 2]");
        Set("scheduler.rung_levels", "[2.5]");
        Set("scheduler.rung_levels", "five");
        Set("stop", "{\"max_time\": 3}", "stop");
        Set("points_to_evaluate", "[5]");
        Set("points_to_evaluate", "[{\"lr\": 5}]", "points_to_evaluate[0].lr");
        Set("points_to_evaluate", "[{\"lr\": 0}]", "points_to_evaluate[0].lr");
        Set("points_to_evaluate", "[{\"nope\": 1}]", "points_to_evaluate[0].nope");
        Set("points_to_evaluate", "[{\"act\": \"sigmoid\"}]", "points_to_evaluate[0].act");
        Set("points_to_evaluate", "[{\"width\": 2.5}]", "points_to_evaluate[0].width");
        Set("points_to_evaluate", "[{\"width\": 513}]", "points_to_evaluate[0].width");
        Set("points_to_evaluate", "[{\"tag\": \"other\"}]", "points_to_evaluate[0].tag");
        Set("points_to_evaluate", "[{\"m\": [1]}]", "points_to_evaluate[0].m");
        Set("points_to_evaluate", "[{}, {\"m\": \"NaN\"}]", "points_to_evaluate[1].m");

        // Broken JSON.
        for (var cut = 1; cut < Base.Length - 1; cut += Base.Length / 40)
        {
            cases.Add(new Case($"truncated at {cut}", Base[..cut], "$"));
        }
        cases.Add(new Case("colon as semicolon", Base.Replace("\"metric\":", "\"metric\";", StringComparison.Ordinal), "$"));
        cases.Add(new Case("missing comma", Base.Replace(",\"metric\"", "\"metric\"", StringComparison.Ordinal), "$"));
        cases.Add(new Case("extra brace", Base + "}", "$"));
        cases.Add(new Case("single quotes", Base.Replace("\"loss\"", "'loss'", StringComparison.Ordinal), "$"));
        cases.Add(new Case("bare NaN", Base.Replace("12.5", "NaN", StringComparison.Ordinal), "$"));
        cases.Add(new Case("duplicate key", Base.Replace("\"metric\":\"loss\"", "\"metric\":\"loss\",\"metric\":\"acc\"", StringComparison.Ordinal), "$"));
        cases.Add(new Case("array root", "[" + Base + "]", "$"));
        cases.Add(new Case("empty", "", "$"));
        cases.Add(new Case("not json", "name: x", "$"));
        return cases;
    }

    private static readonly Lazy<IReadOnlyList<Case>> CachedCases = new(() => [.. AllCases()]);

    /// <summary>Case indices (ints keep the theory serializable, so each mutation is its own test case).</summary>
    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, CachedCases.Value.Count)];

    private static string Mutate(string path, object? value, bool remove = false, (string Path, object? Value)? then = null)
    {
        var root = JsonNode.Parse(Base)!.AsObject();
        Apply(root, path, value, remove);
        if (then is { } t)
        {
            Apply(root, t.Path, t.Value, remove: true);
        }
        var json = root.ToJsonString();
        return value is string s && s.StartsWith("R:", StringComparison.Ordinal)
            ? json.Replace($"\"{Raw}\"", s[2..], StringComparison.Ordinal)
            : json;
    }

    private static void Apply(JsonObject root, string path, object? value, bool remove)
    {
        var segments = path.Split('.');
        var current = root;
        foreach (var seg in segments[..^1])
        {
            current = current[seg]!.AsObject();
        }
        if (remove)
        {
            Assert.True(current.Remove(segments[^1]), $"base spec has no {path}");
            return;
        }
        current[segments[^1]] = value switch
        {
            string s when s.StartsWith("R:", StringComparison.Ordinal) => JsonValue.Create(Raw),
            string s when s.StartsWith('[') || s.StartsWith('{') => JsonNode.Parse(s),
            string s => JsonValue.Create(s),
            bool b => JsonValue.Create(b),
            int i => JsonValue.Create(i),
            double d => JsonValue.Create(d),
            _ => throw new ArgumentException($"unsupported mutation value {value}"),
        };
    }

    [Fact]
    public void BaseSpecIsValid() => Assert.True(SpecParser.Parse(Base).Ok, string.Join("\n", SpecParser.Parse(Base).Errors));

    [Fact]
    public void ThereAreAtLeast200Mutations() => Assert.True(AllCases().Count() >= 200, $"only {AllCases().Count()} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MutationIsRejectedOnTheMutatedField(int index)
    {
        var c = CachedCases.Value[index];
        var result = SpecParser.Parse(c.Json); // must not throw
        Assert.False(result.Ok, $"{c.Name}: accepted");
        Assert.Null(result.Spec);
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrEmpty(e.Path)));
        Assert.True(
            result.Errors.Any(e => e.Path == c.ExpectedPath || e.Path.StartsWith(c.ExpectedPath + ".", StringComparison.Ordinal)
                                   || e.Path.StartsWith(c.ExpectedPath + "[", StringComparison.Ordinal)),
            $"{c.Name}: expected an error at {c.ExpectedPath}, got:\n{string.Join("\n", result.Errors)}");
    }

    [Fact]
    public void MutatedSpecsAreAlsoRejectedThroughOverrides()
    {
        // The same kind of bad values arriving through --set (values that are not JSON become strings).
        foreach (var o in new[] { "n_workers=NaN", "n_workers=1e400", "stop.max_wallclock_seconds=-5", "scheduler.max_t=99999999999", "searcher.seed=1.5" })
        {
            var path = o[..o.IndexOf('=')];
            var r = SpecParser.Parse(Base, [o]);
            Assert.False(r.Ok, o);
            Assert.Contains(r.Errors, e => e.Path == path);
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool ArbitraryTextNeverThrows(string text) => SpecParser.Parse(text ?? string.Empty) is { } r && (r.Ok || r.Errors.Count > 0);

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool SingleCharacterEditsNeverThrow(ushort position, char c, string[] overrides)
    {
        var i = position % Base.Length;
        var json = Base[..i] + c + Base[(i + 1)..];
        var r = SpecParser.Parse(json, overrides?.Where(o => o is not null).ToArray());
        return r.Ok || r.Errors.All(e => !string.IsNullOrEmpty(e.Path));
    }
}
