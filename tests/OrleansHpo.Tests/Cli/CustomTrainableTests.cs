using System.Text.Json.Nodes;
using OrleansHpo.Client;
using OrleansHpo.Silo;

namespace OrleansHpo.Tests.Cli;

/// <summary>samples/custom-trainable: a user's class library, loaded with --trainables and resolved by its registered name.</summary>
public sealed class CustomTrainableTests
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "CustomTrainable.dll");

    [Fact]
    public void The_library_registers_its_trainable_by_name()
    {
        var factory = Assert.Single(TrainablePlugins.Load([Dll]));
        Assert.Equal("sgd-regression", factory.Name);
    }

    [Fact]
    public async Task Hpo_run_tunes_the_sample_spec_with_trainables_from_the_dll()
    {
        var results = HpoProcess.TempDir();
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HpoCli.InvokeAsync(
            ["run", SampleSpec(), "--trainables", Dll, "--results-dir", results, "--set", "stop.max_trials_started=9", "--quiet"],
            output, error);
        Assert.True(code == ExitCodes.Ok, output + "\n" + error);
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(results, "custom-sgd-regression", "metadata.json")))!;
        Assert.Equal("completed", metadata["status"]!.GetValue<string>());
        Assert.Equal(9, metadata["num_trials_started"]!.GetValue<int>());
        Assert.True(metadata["best"]!["validation_mse"]!.GetValue<double>() < 1.0, metadata.ToJsonString());
        Assert.Contains("best:", output.ToString());
    }

    [Fact]
    public async Task Without_the_library_the_spec_names_an_unknown_trainable()
    {
        var error = new StringWriter();
        int code = await HpoCli.InvokeAsync(["run", SampleSpec(), "--results-dir", HpoProcess.TempDir()], new StringWriter(), error);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no trainable is registered as 'sgd-regression'", error.ToString());
    }

    private static string SampleSpec()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "samples", "custom-trainable", "spec.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("samples/custom-trainable/spec.json");
    }
}
