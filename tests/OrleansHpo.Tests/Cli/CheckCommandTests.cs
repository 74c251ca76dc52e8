using OrleansHpo.Client;
using OrleansHpo.Client.Check;
using OrleansHpo.Core.Training;

namespace OrleansHpo.Tests.Cli;

/// <summary><c>hpo check</c> on the synthetic trainable (fast), and on a trainable whose checkpoint forgets state.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public async Task Check_passes_every_property_of_the_synthetic_trainable()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // 800 ms epochs (sliced sleeps, cancellable every 10 ms) make the stop check conclusive (it allows half an epoch).
        int code = await HpoCli.InvokeAsync(["check", "synthetic", "--set", "delay_ms=800", "--set", "learning_rate=0.02"], output, error);
        var text = output.ToString();
        Assert.True(code == ExitCodes.Ok, text + error);
        Assert.Equal(5, text.Split('\n').Count(l => l.StartsWith("PASS", StringComparison.Ordinal)));
        Assert.Contains("resume on another silo", text);
        Assert.DoesNotContain("FAIL", text);
    }

    [Fact]
    public async Task Check_fails_a_trainable_whose_checkpoint_forgets_state()
    {
        var results = await TrainableChecker.RunAsync("forgetful", new Dictionary<string, object>(), new CheckOptions
        {
            AdditionalTrainables = [new ForgetfulFactory()],
            Device = "cpu",
        });
        var resume = Assert.Single(results, r => r.Property.Contains("resume on another silo", StringComparison.Ordinal));
        Assert.False(resume.Passed, resume.ToString());
        Assert.True(results.Single(r => r.Property == "reports every epoch").Passed);
    }

    [Fact]
    public async Task Check_of_an_unknown_trainable_is_bad_input()
    {
        var error = new StringWriter();
        int code = await HpoCli.InvokeAsync(["check", "no-such-trainable"], new StringWriter(), error);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no trainable is registered as 'no-such-trainable'", error.ToString());
    }

    /// <summary>Saves the epoch but not the running state: the classic checkpoint bug.</summary>
    private sealed class ForgetfulFactory : ITrainableFactory
    {
        public string Name => "forgetful";

        public IReadOnlyList<string> MetricNames { get; } = ["loss"];

        public string Description => "broken on purpose";

        public ITrainable Create() => new Forgetful();

        private sealed class Forgetful : ITrainable
        {
            private double _weight = 1;
            private int _epoch;

            public void Setup(TrialContext context)
            {
            }

            public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
            {
                _epoch = epoch;
                _weight *= 0.8;
                return new Dictionary<string, double> { ["loss"] = _weight };
            }

            public void SaveCheckpoint(Stream destination)
            {
                using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
                writer.Write(_epoch);
            }

            public void LoadCheckpoint(Stream source)
            {
                using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
                _epoch = reader.ReadInt32();
            }

            public void Dispose()
            {
            }
        }
    }
}
