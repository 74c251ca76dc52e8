using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHpo.Results;
using OrleansHpo.Core.Text;

namespace OrleansHpo.Client.Commands;

/// <summary><c>hpo results NAME</c>: one row per trial (status, epochs, best and last metric, config); --csv, --json.</summary>
public static class ResultsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "Experiment name" };
        var resultsDir = CommandSupport.ResultsDir();
        var csv = new Option<bool>("--csv") { Description = "Write CSV (one line per trial) instead of a table" };
        var json = new Option<bool>("--json") { Description = "Write a JSON array (one object per trial) instead of a table" };
        var top = new Option<int?>("--top") { Description = "Only the N best trials" };
        var sort = new Option<string>("--sort")
        {
            Description = "Order: best (best metric first) or trial (trial id)",
            DefaultValueFactory = _ => "best",
        };
        sort.AcceptOnlyFromAmong("best", "trial");
        var command = new Command("results", "Show an experiment's trials: status, epochs, best and last metric, config") { name, resultsDir, csv, json, top, sort };
        command.SetAction((parse, ct) => CommandSupport.Guard(error, () =>
        {
            if (parse.GetValue(csv) && parse.GetValue(json))
            {
                throw new UserError("--csv and --json exclude each other; pick one");
            }
            if (parse.GetValue(top) is < 1)
            {
                throw new UserError("--top must be at least 1");
            }
            var experiment = CommandSupport.Load(parse.GetValue(resultsDir)!, parse.GetValue(name)!);
            return Write(output, experiment, parse.GetValue(csv) ? "csv" : parse.GetValue(json) ? "json" : "table", parse.GetValue(top), parse.GetValue(sort)!);
        }));
        return command;
    }

    private static int Write(TextWriter output, Experiment experiment, string format, int? top, string sort)
    {
        IEnumerable<TrialSummary> trials = experiment.Trials();
        if (sort == "best")
        {
            trials = experiment.Mode == "max"
                ? trials.OrderByDescending(t => double.IsNaN(t.BestValue) ? double.NegativeInfinity : t.BestValue)
                : trials.OrderBy(t => double.IsNaN(t.BestValue) ? double.PositiveInfinity : t.BestValue);
        }
        if (top is { } n)
        {
            trials = trials.Take(n);
        }
        var list = trials.ToList();
        var configNames = list.SelectMany(t => t.Config.Keys).Distinct().ToList();
        var m = experiment.Metric;
        var r = experiment.ResourceAttr;
        switch (format)
        {
            case "csv":
                output.WriteLine(string.Join(",", new[] { ResultsSchema.TrialId, "status", r, "best_" + m, "best_" + r, m, "first_time", "last_time" }
                    .Concat(configNames.Select(ResultsSchema.ConfigColumn)).Select(CsvLine.Escape)));
                foreach (var t in list)
                {
                    output.WriteLine(string.Join(",", new[]
                    {
                        t.TrialId.ToString(CultureInfo.InvariantCulture), t.Status, t.LastEpoch.ToString(CultureInfo.InvariantCulture),
                        N(t.BestValue), t.BestEpoch.ToString(CultureInfo.InvariantCulture), N(t.LastValue), N(t.FirstTime), N(t.LastTime),
                    }.Concat(configNames.Select(c => t.Config.GetValueOrDefault(c, ""))).Select(CsvLine.Escape)));
                }
                break;
            case "json":
                var array = new JsonArray();
                foreach (var t in list)
                {
                    var config = new JsonObject();
                    foreach (var (k, v) in t.Config)
                    {
                        config[k] = double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? JsonValue.Create(d) : JsonValue.Create(v);
                    }
                    array.Add(new JsonObject
                    {
                        ["trial_id"] = t.TrialId,
                        ["status"] = t.Status,
                        [r] = t.LastEpoch,
                        ["best_" + m] = J(t.BestValue),
                        ["best_" + r] = t.BestEpoch,
                        [m] = J(t.LastValue),
                        ["first_time"] = t.FirstTime,
                        ["last_time"] = t.LastTime,
                        ["config"] = config,
                    });
                }
                output.WriteLine(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                break;
            default:
                if (list.Count == 0)
                {
                    output.WriteLine($"{experiment.Name}: no results yet ({experiment.Status})");
                    return ExitCodes.Ok;
                }
                output.WriteLine($"{experiment.Name}: {experiment.Trials().Count} trials, {experiment.Rows.Count} reports, {experiment.SchedulerName}, {experiment.Status}; metric {m} ({experiment.Mode})");
                var header = $"{"trial",6} {"status",-10} {r,6} {"best " + m,12} {"at",4} {"last " + m,12}  config";
                output.WriteLine(header);
                foreach (var t in list)
                {
                    var config = string.Join(" ", t.Config.Select(kv => $"{kv.Key}={Short(kv.Value)}"));
                    output.WriteLine($"{t.TrialId,6} {t.Status,-10} {t.LastEpoch,6} {Experiment.Format(t.BestValue),12} {t.BestEpoch,4} {Experiment.Format(t.LastValue),12}  {config}");
                }
                break;
        }
        return ExitCodes.Ok;
    }

    private static string Short(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Contains('.', StringComparison.Ordinal)
            ? d.ToString("G4", CultureInfo.InvariantCulture)
            : value;

    private static string N(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    private static JsonNode? J(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
