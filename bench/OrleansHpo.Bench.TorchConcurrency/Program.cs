using System.Diagnostics;
using System.Globalization;
using OrleansHpo.Core.Training;
using OrleansHpo.Trainables.Torch;

// Usage: OrleansHpo.Bench.TorchConcurrency [--threads 2] [--rounds 20] [--subset 2000] [--epochs 2] [--gc-pressure]
// Each round starts --threads trainings of fashion-mlp (one dedicated thread each, 1 intra-op thread, distinct seeds)
// and waits for all of them; a training that throws counts as failed. --gc-pressure adds a thread that forces
// full collections and finalizers in a loop, which makes a finalizer-vs-native-call race show up in seconds.
var options = Options.Parse(args);
TorchRuntime.EnsureNativeLoadable();
var config = new Dictionary<string, object>
{
    ["n_units_1"] = 128L,
    ["n_units_2"] = 64L,
    ["batch_size"] = 32L,
    ["dropout_1"] = 0.2,
    ["dropout_2"] = 0.2,
    ["learning_rate"] = 1e-3,
    ["weight_decay"] = 1e-5,
    ["train_subset"] = (long)options.Subset,
};

using var stop = new CancellationTokenSource();
Thread? collector = null;
if (options.GcPressure)
{
    collector = new Thread(() =>
    {
        while (!stop.IsCancellationRequested)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }) { IsBackground = true, Name = "gc-pressure" };
    collector.Start();
}

int trainings = 0, failures = 0;
var clock = Stopwatch.StartNew();
for (int round = 1; round <= options.Rounds; round++)
{
    var errors = new Exception?[options.Threads];
    var threads = new Thread[options.Threads];
    for (int t = 0; t < options.Threads; t++)
    {
        int slot = t;
        int seed = round * 100 + t;
        threads[t] = new Thread(() =>
        {
            try
            {
                using var trainable = TorchTrainables.Factories.Single(f => f.Name == "fashion-mlp").Create();
                trainable.Setup(new TrialContext(slot, config, 1, options.Epochs, [1], "cpu", seed, 1));
                for (int epoch = 1; epoch <= options.Epochs; epoch++)
                {
                    trainable.TrainEpoch(epoch, CancellationToken.None);
                }
            }
            catch (Exception e)
            {
                errors[slot] = e;
            }
        }) { Name = $"trial-{t}" };
        threads[t].Start();
    }
    foreach (var thread in threads)
    {
        thread.Join();
    }
    trainings += options.Threads;
    foreach (var error in errors.Where(e => e is not null))
    {
        failures++;
        Console.WriteLine($"round {round}: {error!.GetType().Name}: {FirstLine(error.Message)}");
    }
}
stop.Cancel();
collector?.Join();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"threads={options.Threads} rounds={options.Rounds} subset={options.Subset} epochs={options.Epochs} gc-pressure={options.GcPressure}: " +
    $"{trainings} trainings, {failures} failed, {clock.Elapsed.TotalSeconds:F1} s"));
return failures == 0 ? 0 : 1;

static string FirstLine(string text) => text.Split('\n')[0].Trim();

internal sealed record Options(int Threads, int Rounds, int Subset, int Epochs, bool GcPressure)
{
    public static Options Parse(string[] args)
    {
        int threads = 2, rounds = 20, subset = 2000, epochs = 2;
        bool gc = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--subset": subset = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--gc-pressure": gc = true; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'. Options: --threads N --rounds N --subset N --epochs N --gc-pressure.");
            }
        }
        return new Options(threads, rounds, subset, epochs, gc);
    }
}
