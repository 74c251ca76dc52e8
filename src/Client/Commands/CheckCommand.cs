using System.CommandLine;
using System.Globalization;
using OrleansHpo.Client.Check;

namespace OrleansHpo.Client.Commands;

/// <summary><c>hpo check TRAINABLE [--set hp=value ...]</c>: checks a trainable's reports, resume and cancellation on an in-process cluster.</summary>
public static class CheckCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var trainable = new Argument<string>("trainable") { Description = "Registered trainable name (e.g. fashion-mlp)" };
        var set = new Option<string[]>("--set") { Description = "A hyperparameter of the checked config: name=value; repeatable" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of each run", DefaultValueFactory = _ => 3 };
        var pauseAt = new Option<int>("--pause-at") { Description = "Epoch after which the trial pauses and resumes on another silo", DefaultValueFactory = _ => 1 };
        var metric = new Option<string?>("--metric") { Description = "Metric to check (default: the trainable's first)" };
        var seed = new Option<int>("--seed") { Description = "Trial seed", DefaultValueFactory = _ => 1 };
        var trainables = new Option<string[]>("--trainables") { Description = "Class library (.dll) with your own trainables; repeatable" };
        var device = new Option<string?>("--device") { Description = "Training device: auto, cpu, cuda, cuda:N" };
        var threads = new Option<int?>("--intra-op-threads") { Description = "TorchSharp intra-op threads per trial" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds each run of a check may take before it counts as a hang", DefaultValueFactory = _ => 600 };
        var command = new Command("check", "Check that a trainable reports every epoch, resumes exactly on another silo, survives a lost checkpoint and stops within a batch")
        {
            trainable, set, epochs, pauseAt, metric, seed, trainables, device, threads, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var settings = ClientSettings.Load().With(parse.GetValue(trainables) ?? [], parse.GetValue(device), parse.GetValue(threads));
                var options = new CheckOptions
                {
                    Epochs = parse.GetValue(epochs),
                    PauseAt = parse.GetValue(pauseAt),
                    Metric = parse.GetValue(metric),
                    Seed = parse.GetValue(seed),
                    Device = settings.Device,
                    IntraOpThreads = settings.IntraOpThreads,
                    TrainableAssemblies = settings.Trainables,
                    RunTimeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))),
                };
                var results = await TrainableChecker.RunAsync(parse.GetValue(trainable)!, ParseConfig(parse.GetValue(set) ?? []), options, output, ct);
                int failed = results.Count(r => !r.Passed);
                output.WriteLine(failed == 0 ? $"ok: all {results.Count} checks passed" : $"failed: {failed} of {results.Count} checks");
                return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
            }
            catch (UserError e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidOperationException && e.Message.StartsWith("--trainables", StringComparison.Ordinal))
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    /// <summary>name=value pairs: integers become long, other numbers double, true/false bool, the rest strings.</summary>
    public static Dictionary<string, object> ParseConfig(IEnumerable<string> assignments)
    {
        var config = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0)
            {
                throw new UserError($"--set '{assignment}': expected name=value, e.g. --set learning_rate=0.01");
            }
            var name = assignment[..eq].Trim();
            var text = assignment[(eq + 1)..].Trim();
            config[name] = long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l
                : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                : bool.TryParse(text, out var b) ? b
                : text;
        }
        return config;
    }
}
