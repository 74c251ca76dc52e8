using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansHpo.Core.Spec;

/// <summary>Checks a spec's JSON field by field, adding one <see cref="SpecError"/> per problem.</summary>
internal sealed partial class SpecValidator(List<SpecError> errors)
{
    private const long RandIntLimit = 1_000_000_000_000_000;

    private static readonly string[] SchedulerKeys = ["type", "variant", "grace_period", "reduction_factor", "max_t", "brackets", "rung_levels"];
    private static readonly string[] SearcherKeys = ["type", "seed", "grid_points"];
    private static readonly System.Text.RegularExpressions.Regex SearcherTypeName = new("^[a-z][a-z0-9_-]*$");
    private static readonly string[] StopKeys = ["max_wallclock_seconds", "max_trials_started", "max_trials_completed", "metric_threshold"];
    private static readonly string[] CheckpointKeys =
        ["every_epoch", "max_num_checkpoints", "removal", "approx_steps", "prior_beta_mean", "prior_beta_size", "min_data_at_rung", "delete_finished", "keep_best"];

    private static readonly string[] DomainTypes = ["uniform", "loguniform", "randint", "choice"];

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();

    public ExperimentSpec? Validate(JsonElement root, string sourceJson)
    {
        CheckKeys(root, string.Empty, TopLevelKeysArray);
        var name = String(root, "name", "name", required: true);
        if (name is not null && (!NamePattern().IsMatch(name) || name is "." or ".." || name.Length > 200))
        {
            Error("name", $"must be 1-200 characters of A-Z a-z 0-9 . _ - (it names the results folder) and not '.' or '..', got {Quote(name)}");
            name = null;
        }
        var trainable = String(root, "trainable", "trainable", required: true);
        var metric = String(root, "metric", "metric", required: true);
        var mode = Enum(root, "mode", "mode", "mode", ["min", "max"], [Mode.Min, Mode.Max], Mode.Min);
        var resourceAttr = String(root, "resource_attr", "resource_attr", required: false) ?? "epoch";
        var maxResourceAttr = String(root, "max_resource_attr", "max_resource_attr", required: false);
        var (space, badKeys) = ConfigSpace(root);
        var scheduler = Scheduler(root, space, badKeys, maxResourceAttr);
        var searcher = Searcher(root);
        var points = Points(root, space, badKeys);
        var nWorkers = Integer(root, "n_workers", "n_workers", 1, 4096);
        var stop = Stop(root);
        var maxFailures = Integer(root, "max_failures", "max_failures", 0, int.MaxValue);
        var checkpoints = Checkpoints(root);
        CheckCheckpointBudget(checkpoints, scheduler);

        if (errors.Count > 0 || name is null || trainable is null || metric is null || space is null || scheduler is null
            || searcher is null || stop is null || checkpoints is null)
        {
            return null;
        }
        return new ExperimentSpec
        {
            Name = name,
            Trainable = trainable,
            ConfigSpace = space,
            Metric = metric,
            Mode = mode,
            ResourceAttr = resourceAttr,
            MaxResourceAttr = maxResourceAttr,
            Scheduler = scheduler,
            Searcher = searcher,
            PointsToEvaluate = points,
            NWorkers = (int)(nWorkers ?? 4),
            Stop = stop,
            MaxFailures = (int?)maxFailures,
            Checkpoints = checkpoints,
            SourceJson = sourceJson,
        };
    }

    private static readonly string[] TopLevelKeysArray = [.. SpecParser.TopLevelKeys];

    // ---- sections ----

    private (ConfigSpace? Space, HashSet<string> BadKeys) ConfigSpace(JsonElement root)
    {
        var bad = new HashSet<string>(StringComparer.Ordinal);
        if (!TryGet(root, "config_space", out var section))
        {
            Error("config_space", "is required: an object mapping each config key to a fixed value or a domain such as {\"type\": \"uniform\", \"lower\": 0, \"upper\": 1}");
            return (null, bad);
        }
        if (section.ValueKind != JsonValueKind.Object)
        {
            Error("config_space", $"must be an object mapping config keys to values or domains, got {Describe(section)}");
            return (null, bad);
        }
        var entries = new List<KeyValuePair<string, Domain>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in section.EnumerateObject())
        {
            var path = "config_space." + p.Name;
            if (string.IsNullOrWhiteSpace(p.Name))
            {
                Error(path, "config keys must be non-empty names");
                bad.Add(p.Name);
                continue;
            }
            if (!seen.Add(p.Name))
            {
                Error(path, "appears twice");
                continue;
            }
            var domain = Domain(p.Value, path);
            if (domain is null)
            {
                bad.Add(p.Name);
            }
            else
            {
                entries.Add(new(p.Name, domain));
            }
        }
        return (new ConfigSpace(entries), bad);
    }

    private Domain? Domain(JsonElement v, string path)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Number:
            case JsonValueKind.String:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return Scalar(v, path) is { } value ? new FixedDomain(value) : null;
            case JsonValueKind.Object:
                break;
            default:
                Error(path, $"must be a fixed value (number, string or bool) or a domain object with \"type\": {string.Join(", ", DomainTypes)}, got {Describe(v)}"
                    + (v.ValueKind == JsonValueKind.Array ? " (for a list of options use {\"type\": \"choice\", \"values\": [...]})" : string.Empty));
                return null;
        }
        if (!TryGet(v, "type", out var typeElement))
        {
            Error(path + ".type", $"is required in a domain object; allowed: {string.Join(", ", DomainTypes)}");
            return null;
        }
        var type = typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
        switch (type)
        {
            case "uniform":
            case "loguniform":
            {
                CheckKeys(v, path, ["type", "lower", "upper"]);
                var log = type == "loguniform";
                var lower = Number(v, "lower", path + ".lower", required: true);
                var upper = Number(v, "upper", path + ".upper", required: true);
                if (lower is not { } lo || upper is not { } up)
                {
                    return null;
                }
                var ok = true;
                if (log && !(lo > 0))
                {
                    Error(path + ".lower", $"must be > 0 for loguniform, got {Num(lo)}");
                    ok = false;
                }
                if (!(up > lo))
                {
                    Error(path + ".upper", $"must be > lower ({Num(lo)}), got {Num(up)}");
                    ok = false;
                }
                return !ok ? null : log ? new LogUniformDomain(lo, up) : new UniformDomain(lo, up);
            }
            case "randint":
            {
                CheckKeys(v, path, ["type", "lower", "upper", "log"]);
                var lower = Integer(v, "lower", path + ".lower", -RandIntLimit, RandIntLimit, required: true);
                var upper = Integer(v, "upper", path + ".upper", -RandIntLimit, RandIntLimit, required: true);
                var log = Bool(v, "log", path + ".log") ?? false;
                if (lower is not { } lo || upper is not { } up)
                {
                    return null;
                }
                var ok = true;
                if (log && lo < 1)
                {
                    Error(path + ".lower", $"must be >= 1 when log is true, got {lo}");
                    ok = false;
                }
                if (up < lo)
                {
                    Error(path + ".upper", $"must be >= lower ({lo}), got {up}");
                    ok = false;
                }
                return ok ? new RandIntDomain(lo, up, log) : null;
            }
            case "choice":
            {
                CheckKeys(v, path, ["type", "values"]);
                if (!TryGet(v, "values", out var values))
                {
                    Error(path + ".values", "is required for choice: a non-empty array of numbers, strings or bools");
                    return null;
                }
                if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
                {
                    Error(path + ".values", $"must be a non-empty array of numbers, strings or bools, got {Describe(values)}");
                    return null;
                }
                var list = new List<object>();
                var ok = true;
                var i = 0;
                foreach (var item in values.EnumerateArray())
                {
                    var itemPath = $"{path}.values[{i}]";
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null)
                    {
                        Error(itemPath, $"must be a number, string or bool, got {Describe(item)}");
                        ok = false;
                    }
                    else if (Scalar(item, itemPath) is { } value)
                    {
                        var dup = list.FindIndex(x => Spec.Domain.ValueEquals(x, value));
                        if (dup >= 0)
                        {
                            Error(itemPath, $"duplicate of values[{dup}] ({Describe(item)}); choice values must be distinct");
                            ok = false;
                        }
                        list.Add(value);
                    }
                    else
                    {
                        ok = false;
                    }
                    i++;
                }
                return ok ? new ChoiceDomain(list) : null;
            }
            default:
                Error(path + ".type", $"unknown domain type {Describe(typeElement)}; allowed: {string.Join(", ", DomainTypes)}");
                return null;
        }
    }

    private SchedulerSpec? Scheduler(JsonElement root, ConfigSpace? space, HashSet<string> badKeys, string? maxResourceAttr)
    {
        const string s = "scheduler";
        var section = Section(root, s, SchedulerKeys);
        var type = Enum(section, "type", "scheduler.type", "scheduler", ["fifo", "asha", "hyperband", "sync-sh", "sync-hyperband"],
            [SchedulerType.Fifo, SchedulerType.Asha, SchedulerType.Hyperband, SchedulerType.SyncSh, SchedulerType.SyncHyperband], SchedulerType.Asha);
        var typeName = TryGet(section, "type", out var t) ? t.ToString() : "asha";
        var asyncSh = type is SchedulerType.Asha or SchedulerType.Hyperband;
        var variant = SchedulerVariant.Stopping;
        if (TryGet(section, "variant", out _))
        {
            variant = Enum(section, "variant", "scheduler.variant", "variant", ["stopping", "promotion"],
                [SchedulerVariant.Stopping, SchedulerVariant.Promotion], SchedulerVariant.Stopping);
            if (!asyncSh)
            {
                Error("scheduler.variant", $"only applies to asha and hyperband (synchronous schedulers always pause, fifo never stops early); remove it for {typeName}");
            }
        }
        var graceGiven = TryGet(section, "grace_period", out _);
        var grace = graceGiven ? Integer(section, "grace_period", "scheduler.grace_period", 1, int.MaxValue) : 1;
        var eta = Number(section, "reduction_factor", "scheduler.reduction_factor", required: false, min: 2, minText: ">= 2");
        var maxTExplicit = Integer(section, "max_t", "scheduler.max_t", 1, int.MaxValue);
        int? maxT = (int?)maxTExplicit;
        var maxTGiven = TryGet(section, "max_t", out _);
        if (!maxTGiven)
        {
            if (maxResourceAttr is null)
            {
                Error("scheduler.max_t", "is required (the largest resource a trial trains for), unless max_resource_attr names a fixed integer key of config_space");
            }
            else if (space is not null && space.TryGet(maxResourceAttr, out var d))
            {
                if (d is FixedDomain { Value: long l } && l >= 1 && l <= int.MaxValue)
                {
                    maxT = (int)l;
                }
                else
                {
                    Error("config_space." + maxResourceAttr, $"must be a fixed positive integer because max_resource_attr names it and scheduler.max_t is not set, got {DescribeDomain(d)}");
                }
            }
            else if (space is not null && !badKeys.Contains(maxResourceAttr))
            {
                Error("scheduler.max_t", $"is required: set it, or add max_resource_attr '{maxResourceAttr}' to config_space as a fixed positive integer");
            }
        }
        if (maxT is { } m && grace is { } g && type != SchedulerType.Fifo && m <= g)
        {
            if (maxTGiven)
            {
                Error("scheduler.max_t", $"must be > grace_period ({g}), got {m}");
            }
            else
            {
                Error("scheduler.grace_period", $"must be < max_t ({m}, from config_space.{maxResourceAttr}), got {g}");
            }
        }
        int? brackets = type is SchedulerType.Hyperband or SchedulerType.SyncHyperband ? null : 1;
        if (TryGet(section, "brackets", out _))
        {
            var b = Integer(section, "brackets", "scheduler.brackets", 1, 1000);
            if (b is { } bv && !(type is SchedulerType.Hyperband or SchedulerType.SyncHyperband) && bv != 1)
            {
                Error("scheduler.brackets", $"{typeName} always uses 1 bracket (use hyperband or sync-hyperband for more), got {bv}");
            }
            else if (b is { } bb)
            {
                brackets = (int)bb;
            }
        }
        IReadOnlyList<int>? rungLevels = null;
        if (TryGet(section, "rung_levels", out var rl))
        {
            rungLevels = RungLevels(rl, maxT, asyncSh, typeName);
        }
        if (grace is null || maxT is null)
        {
            return null;
        }
        return new SchedulerSpec
        {
            Type = type,
            Variant = variant,
            GracePeriod = (int)grace,
            ReductionFactor = eta ?? 3,
            MaxT = maxT.Value,
            Brackets = brackets,
            RungLevels = rungLevels,
        };
    }

    private List<int>? RungLevels(JsonElement rl, int? maxT, bool asyncSh, string typeName)
    {
        const string path = "scheduler.rung_levels";
        if (!asyncSh)
        {
            Error(path, $"only applies to asha and hyperband; remove it for {typeName}");
            return null;
        }
        if (rl.ValueKind != JsonValueKind.Array || rl.GetArrayLength() == 0)
        {
            Error(path, $"must be a non-empty array of strictly increasing positive integers, got {Describe(rl)}");
            return null;
        }
        var levels = new List<int>();
        var i = 0;
        long previous = 0;
        foreach (var item in rl.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            if (IntegerValue(item, itemPath, 1, int.MaxValue) is not { } level)
            {
                return null;
            }
            if (level <= previous)
            {
                Error(itemPath, $"must be > the previous level ({previous}): rung levels are strictly increasing, got {level}");
                return null;
            }
            if (maxT is { } m && level > m)
            {
                Error(itemPath, $"must be <= max_t ({m}), got {level}");
                return null;
            }
            previous = level;
            levels.Add((int)level);
        }
        return levels;
    }

    private SearcherSpec? Searcher(JsonElement root)
    {
        // The type is open (providers add types); random and grid take only their own keys, other types get every
        // key but type and seed as raw options that their provider validates (docs/searchers.md).
        var type = SearcherSpec.Random;
        if (TryGet(root, "searcher", out var raw) && raw.ValueKind == JsonValueKind.Object && TryGet(raw, "type", out var t))
        {
            if (t.ValueKind != JsonValueKind.String || !SearcherTypeName.IsMatch(t.GetString()!))
            {
                Error("searcher.type", $"must be a searcher name such as \"random\" or \"grid\" (lower case), got {Describe(t)}");
                return null;
            }
            type = t.GetString()!;
        }
        bool builtIn = type is SearcherSpec.Random or SearcherSpec.Grid;
        var section = builtIn ? Section(root, "searcher", SearcherKeys) : raw; // any key is an option of a provided searcher
        var seed = Integer(section, "seed", "searcher.seed", int.MinValue, int.MaxValue);
        var gridPoints = builtIn ? Integer(section, "grid_points", "searcher.grid_points", 2, 1000) : null;
        var options = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (section.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in section.EnumerateObject())
            {
                if (p.Name is not ("type" or "seed"))
                {
                    options[p.Name] = p.Value.Clone();
                }
            }
        }
        return new SearcherSpec { Type = type, Seed = (int)(seed ?? 0), GridPoints = (int)(gridPoints ?? 5), Options = options };
    }

    private List<IReadOnlyDictionary<string, object>>? Points(JsonElement root, ConfigSpace? space, HashSet<string> badKeys)
    {
        const string path = "points_to_evaluate";
        if (!TryGet(root, path, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"must be an array of objects mapping config keys to values, got {Describe(v)}");
            return null;
        }
        var points = new List<IReadOnlyDictionary<string, object>>();
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            var pointPath = $"{path}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Error(pointPath, $"must be an object mapping config keys to values, got {Describe(item)}");
                continue;
            }
            var point = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var p in item.EnumerateObject())
            {
                var keyPath = $"{pointPath}.{p.Name}";
                if (space is null || badKeys.Contains(p.Name))
                {
                    continue;
                }
                if (!space.TryGet(p.Name, out var domain))
                {
                    Error(keyPath, $"'{p.Name}' is not a config_space key; allowed: {string.Join(", ", space.AllNames)}");
                    continue;
                }
                if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null)
                {
                    Error(keyPath, $"must be {DescribeDomain(domain)}, got {Describe(p.Value)}");
                    continue;
                }
                if (Scalar(p.Value, keyPath) is not { } value)
                {
                    continue;
                }
                if (!domain.TryCoerce(value, out var coerced))
                {
                    Error(keyPath, $"must be {DescribeDomain(domain)}, got {Describe(p.Value)}");
                    continue;
                }
                point[p.Name] = coerced;
            }
            points.Add(point);
        }
        return points;
    }

    private StopSpec? Stop(JsonElement root)
    {
        var allowed = string.Join(", ", StopKeys);
        if (!TryGet(root, "stop", out var section))
        {
            Error("stop", $"is required with at least one criterion; allowed: {allowed}");
            return null;
        }
        if (section.ValueKind != JsonValueKind.Object)
        {
            Error("stop", $"must be an object with at least one of {allowed}, got {Describe(section)}");
            return null;
        }
        CheckKeys(section, "stop", StopKeys);
        if (!StopKeys.Any(k => TryGet(section, k, out _)))
        {
            Error("stop", $"needs at least one criterion; allowed: {allowed}");
            return null;
        }
        var wall = Number(section, "max_wallclock_seconds", "stop.max_wallclock_seconds", required: false, min: 0, minText: "> 0", exclusiveMin: true);
        var started = Integer(section, "max_trials_started", "stop.max_trials_started", 1, int.MaxValue);
        var completed = Integer(section, "max_trials_completed", "stop.max_trials_completed", 1, int.MaxValue);
        var threshold = Number(section, "metric_threshold", "stop.metric_threshold", required: false);
        return new StopSpec
        {
            MaxWallclockSeconds = wall,
            MaxTrialsStarted = (int?)started,
            MaxTrialsCompleted = (int?)completed,
            MetricThreshold = threshold,
        };
    }

    /// <summary>A checkpoint removal policy needs a limit and paused trials (promotion-type asha / hyperband).</summary>
    private void CheckCheckpointBudget(CheckpointSpec? checkpoints, SchedulerSpec? scheduler)
    {
        if (checkpoints is null || checkpoints.Removal == CheckpointRemoval.None)
        {
            return;
        }
        if (checkpoints.MaxNumCheckpoints is null && !errors.Any(e => e.Path == "checkpoints.max_num_checkpoints"))
        {
            Error("checkpoints.max_num_checkpoints", $"is required when checkpoints.removal is {RemovalName(checkpoints.Removal)}: the number of trials allowed to hold a checkpoint (running plus paused), e.g. 10");
        }
        if (scheduler is not null
            && !(scheduler.Type is SchedulerType.Asha or SchedulerType.Hyperband && scheduler.Variant == SchedulerVariant.Promotion))
        {
            Error("checkpoints.removal", $"{RemovalName(checkpoints.Removal)} removes checkpoints of trials paused by a promotion-type scheduler; set scheduler.type to asha or hyperband with scheduler.variant promotion, or set checkpoints.removal to none");
        }
    }

    private static string RemovalName(CheckpointRemoval removal) => removal switch
    {
        CheckpointRemoval.ByLevel => "by_level",
        _ => removal.ToString().ToLowerInvariant(),
    };

    private CheckpointSpec? Checkpoints(JsonElement root)
    {
        const string s = "checkpoints";
        var section = Section(root, s, CheckpointKeys);
        var d = new CheckpointSpec();
        var mean = Number(section, "prior_beta_mean", "checkpoints.prior_beta_mean", required: false, min: 0, minText: "in (0, 1)", exclusiveMin: true);
        if (mean is >= 1)
        {
            Error("checkpoints.prior_beta_mean", $"must be in (0, 1), got {Num(mean.Value)}");
        }
        return new CheckpointSpec
        {
            EveryEpoch = Bool(section, "every_epoch", "checkpoints.every_epoch") ?? d.EveryEpoch,
            MaxNumCheckpoints = (int?)Integer(section, "max_num_checkpoints", "checkpoints.max_num_checkpoints", 1, int.MaxValue),
            Removal = Enum(section, "removal", "checkpoints.removal", "removal policy", ["none", "speculative", "by_level", "random"],
                [CheckpointRemoval.None, CheckpointRemoval.Speculative, CheckpointRemoval.ByLevel, CheckpointRemoval.Random], d.Removal),
            ApproxSteps = (int)(Integer(section, "approx_steps", "checkpoints.approx_steps", 1, int.MaxValue) ?? d.ApproxSteps),
            PriorBetaMean = mean ?? d.PriorBetaMean,
            PriorBetaSize = Number(section, "prior_beta_size", "checkpoints.prior_beta_size", required: false, min: 0, minText: "> 0", exclusiveMin: true) ?? d.PriorBetaSize,
            MinDataAtRung = (int)(Integer(section, "min_data_at_rung", "checkpoints.min_data_at_rung", 1, int.MaxValue) ?? d.MinDataAtRung),
            DeleteFinished = Bool(section, "delete_finished", "checkpoints.delete_finished") ?? d.DeleteFinished,
            KeepBest = (int)(Integer(section, "keep_best", "checkpoints.keep_best", 0, int.MaxValue) ?? d.KeepBest),
        };
    }

    // ---- field readers: each returns null (and records an error) when the value is unusable ----

    /// <summary>The section object, or an empty object when absent (or not an object, which is reported).</summary>
    private JsonElement Section(JsonElement root, string key, string[] allowed)
    {
        if (!TryGet(root, key, out var section))
        {
            return EmptyObject;
        }
        if (section.ValueKind != JsonValueKind.Object)
        {
            Error(key, $"must be an object with keys {string.Join(", ", allowed)}, got {Describe(section)}");
            return EmptyObject;
        }
        CheckKeys(section, key, allowed);
        return section;
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private void CheckKeys(JsonElement obj, string path, string[] allowed)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (Array.IndexOf(allowed, p.Name) >= 0)
            {
                continue;
            }
            var near = allowed.Where(a => Distance(a, p.Name) <= 2).Select(a => $" (did you mean '{a}'?)").FirstOrDefault() ?? string.Empty;
            Error(Join(path, p.Name), $"unknown key '{p.Name}'{near}; allowed: {string.Join(", ", allowed)}");
        }
    }

    private static bool TryGet(JsonElement obj, string key, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        value = default;
        return false;
    }

    private string? String(JsonElement obj, string key, string path, bool required)
    {
        if (!TryGet(obj, key, out var v))
        {
            if (required)
            {
                Error(path, "is required: a non-empty string");
            }
            return null;
        }
        if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
        {
            Error(path, $"must be a non-empty string, got {Describe(v)}");
            return null;
        }
        return v.GetString();
    }

    private T Enum<T>(JsonElement obj, string key, string path, string what, string[] names, T[] values, T fallback)
    {
        if (!TryGet(obj, key, out var v))
        {
            return fallback;
        }
        var i = v.ValueKind == JsonValueKind.String ? Array.IndexOf(names, v.GetString()) : -1;
        if (i < 0)
        {
            var shown = v.ValueKind == JsonValueKind.String ? $"'{v.GetString()}'" : Describe(v);
            Error(path, $"unknown {what} {shown}; allowed: {string.Join(", ", names)}");
            return fallback;
        }
        return values[i];
    }

    private bool? Bool(JsonElement obj, string key, string path)
    {
        if (!TryGet(obj, key, out var v))
        {
            return null;
        }
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }
        Error(path, $"must be true or false, got {Describe(v)}");
        return null;
    }

    private long? Integer(JsonElement obj, string key, string path, long min, long max, bool required = false)
    {
        if (!TryGet(obj, key, out var v))
        {
            if (required)
            {
                Error(path, $"is required: an integer {RangeText(min, max)}");
            }
            return null;
        }
        return IntegerValue(v, path, min, max);
    }

    private long? IntegerValue(JsonElement v, string path, long min, long max)
    {
        long? value = null;
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out var l))
            {
                value = l;
            }
            else if (v.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9e18)
            {
                value = (long)d;
            }
        }
        if (value is not { } x || x < min || x > max)
        {
            Error(path, $"must be an integer {RangeText(min, max)}, got {Describe(v)}");
            return null;
        }
        return x;
    }

    private double? Number(JsonElement obj, string key, string path, bool required, double min = double.NegativeInfinity, string? minText = null, bool exclusiveMin = false)
    {
        if (!TryGet(obj, key, out var v))
        {
            if (required)
            {
                Error(path, "is required: a finite number");
            }
            return null;
        }
        var requirement = minText is null ? "a finite number" : $"a finite number {minText}";
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            Error(path, $"must be {requirement}, got {Describe(v)}");
            return null;
        }
        if (d < min || (exclusiveMin && d == min))
        {
            Error(path, $"must be {minText}, got {Describe(v)}");
            return null;
        }
        return d;
    }

    /// <summary>A JSON scalar as a config value: integral numbers become long, others double (finite); strings; bools.</summary>
    private object? Scalar(JsonElement v, string path)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                return v.GetString();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                if (v.TryGetInt64(out var l))
                {
                    return l;
                }
                if (v.TryGetDouble(out var d) && double.IsFinite(d))
                {
                    return d;
                }
                Error(path, $"must be a finite number (within ±1.7e308), got {Describe(v)}");
                return null;
            default:
                Error(path, $"must be a number, string or bool, got {Describe(v)}");
                return null;
        }
    }

    // ---- formatting ----

    private void Error(string path, string message) => errors.Add(new SpecError(path, message));

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string RangeText(long min, long max) =>
        max == int.MaxValue || max == long.MaxValue ? $">= {min}" : min == int.MinValue ? $"<= {max}" : $"between {min} and {max}";

    private static string Num(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => JsonSerializer.Serialize(s);

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null or JsonValueKind.Undefined => "null",
        JsonValueKind.String => Quote(v.GetString() ?? string.Empty),
        _ => v.GetRawText(),
    };

    private static string DescribeValue(object v) => v switch
    {
        string s => Quote(s),
        bool b => b ? "true" : "false",
        double d => Num(d),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "null",
    };

    internal static string DescribeDomain(Domain d) => d switch
    {
        RealIntervalDomain u => $"a number in [{Num(u.Lower)}, {Num(u.Upper)}]",
        RandIntDomain r => $"an integer in [{r.Lower}, {r.Upper}]",
        ChoiceDomain c => $"one of [{string.Join(", ", c.Values.Select(DescribeValue))}]",
        FixedDomain f => $"the fixed value {DescribeValue(f.Value)}",
        _ => d.ToString(),
    };

    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2)
        {
            return int.MaxValue;
        }
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
