using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrleansHpo.Core.Training;
using OrleansHpo.Trainables.Torch;
using TorchSharp;
using static TorchSharp.torch;

// Usage: OrleansHpo.Bench.Torch [--subset N] [--epochs E] [--threads T] [--batch B] [--repeats R]
// Trains one fashion-mlp config, for the same epochs on the same data, in a bare TorchSharp loop
// (nn.Sequential, nn.Dropout, Adam) and through ITrainable (Setup + TrainEpoch), alternating R times, and prints the
// best epochs/s of each (training plus validation; setup excluded and reported apart) as JSON.
int subset = Option(args, "--subset", 5000);
int epochs = Option(args, "--epochs", 2);
int threads = Option(args, "--threads", Math.Max(1, Environment.ProcessorCount));
int batch = Option(args, "--batch", 64);
int repeats = Option(args, "--repeats", 2);
const int units1 = 256, units2 = 256, seed = 1;
const double dropout = 0.2, learningRate = 1e-3, weightDecay = 1e-5;

TorchRuntime.EnsureNativeLoadable();
set_num_threads(threads);
var data = FashionMnist.Load();
int trainCount = subset > 0 ? Math.Min(subset, data.Train.Count) : data.Train.Count;
int validationCount = subset > 0 ? Math.Clamp(subset / 5, 1, data.Validation.Count) : data.Validation.Count;

// Warm-up (first-touch allocations, kernel selection) so neither side pays it.
_ = Bare(1, Math.Min(trainCount, 512), Math.Min(validationCount, 128));

var config = new Dictionary<string, object>
{
    ["n_units_1"] = (long)units1,
    ["n_units_2"] = (long)units2,
    ["batch_size"] = (long)batch,
    ["dropout_1"] = dropout,
    ["dropout_2"] = dropout,
    ["learning_rate"] = learningRate,
    ["weight_decay"] = weightDecay,
    ["train_subset"] = (long)subset,
};
double bareSeconds = double.MaxValue, trainableSeconds = double.MaxValue, setupSeconds = double.MaxValue;
IReadOnlyDictionary<string, double> last = new Dictionary<string, double>();
for (int r = 0; r < Math.Max(1, repeats); r++)
{
    bareSeconds = Math.Min(bareSeconds, Bare(epochs, trainCount, validationCount));

    var setupWatch = Stopwatch.StartNew();
    using var trainable = new FashionMlpTrainableFactory().Create();
    trainable.Setup(new TrialContext(0, config, 1, epochs, [epochs], "cpu", seed, threads));
    setupSeconds = Math.Min(setupSeconds, setupWatch.Elapsed.TotalSeconds);
    var trainableWatch = Stopwatch.StartNew();
    for (int epoch = 1; epoch <= epochs; epoch++)
    {
        last = trainable.TrainEpoch(epoch, CancellationToken.None);
    }
    trainableSeconds = Math.Min(trainableSeconds, trainableWatch.Elapsed.TotalSeconds);
}

double bareRate = epochs / bareSeconds;
double trainableRate = epochs / trainableSeconds;
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["benchmark"] = "fashion-mlp bare TorchSharp loop vs ITrainable",
    ["train_images"] = trainCount,
    ["validation_images"] = validationCount,
    ["epochs"] = epochs,
    ["repeats"] = repeats,
    ["threads"] = threads,
    ["batch_size"] = batch,
    ["bare_epochs_per_s"] = Math.Round(bareRate, 4),
    ["trainable_epochs_per_s"] = Math.Round(trainableRate, 4),
    ["trainable_over_bare"] = Math.Round(trainableRate / bareRate, 4),
    ["trainable_setup_s"] = Math.Round(setupSeconds, 4),
    ["trainable_validation_error"] = Math.Round(last.GetValueOrDefault("validation_error", double.NaN), 4),
}, new JsonSerializerOptions { WriteIndented = true }));
return 0;

double Bare(int epochCount, int nTrain, int nValidation)
{
    manual_seed(seed);
    using var trainImages = tensor(data.Train.PixelsOfFirst(nTrain).ToArray(), [nTrain, FashionMnist.PixelsPerImage]);
    using var trainLabels = tensor(data.Train.LabelsOfFirst(nTrain).ToArray());
    using var validationImages = tensor(data.Validation.PixelsOfFirst(nValidation).ToArray(), [nValidation, FashionMnist.PixelsPerImage]);
    using var validationLabels = tensor(data.Validation.LabelsOfFirst(nValidation).ToArray());
    using var model = nn.Sequential(
        nn.Linear(FashionMnist.PixelsPerImage, units1), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(units1, units2), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(units2, 10));
    using var optimizer = optim.Adam(model.parameters(), lr: learningRate, weight_decay: weightDecay);
    var watch = Stopwatch.StartNew();
    for (int epoch = 1; epoch <= epochCount; epoch++)
    {
        model.train();
        using (var epochScope = NewDisposeScope())
        {
            var order = randperm(nTrain);
            for (int start = 0; start < nTrain; start += batch)
            {
                using var scope = NewDisposeScope();
                var indices = order.narrow(0, start, Math.Min(batch, nTrain - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(trainImages.index_select(0, indices)), trainLabels.index_select(0, indices));
                loss.backward();
                optimizer.step();
                _ = loss.item<float>();
            }
        }
        model.eval();
        using (no_grad())
        {
            long wrong = 0;
            for (int start = 0; start < nValidation; start += 1000)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(1000, nValidation - start);
                wrong += model.forward(validationImages.narrow(0, start, n)).argmax(1).ne(validationLabels.narrow(0, start, n)).sum().item<long>();
            }
            _ = (double)wrong / nValidation;
        }
    }
    return watch.Elapsed.TotalSeconds;
}

static int Option(string[] args, string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
