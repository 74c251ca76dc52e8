using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.Failures;

/// <summary>
/// A truncated state file of the embedded silo (DIR/NAME/state/..., FileGrainStorage): <c>hpo resume</c> says in one
/// line which file is damaged and what to do (docs/architecture.md, "Failures"), with no Orleans log or stack trace.
/// </summary>
public sealed class DamagedStateFileTests
{
    [Fact]
    public async Task Resume_of_a_truncated_experiment_state_file_exits_2_naming_the_file_and_the_fix()
    {
        var dir = HpoProcess.TempDir();
        var spec = SyntheticAshaSpec.Write(dir, "truncated", trials: 4, delayMs: 1, seed: 5);
        var (code, _, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(120), "run", spec, "--results-dir", dir, "--quiet");
        Assert.True(code == 0, error);
        // An intact folder passes the check.
        (code, _, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(120), "resume", "truncated", "--results-dir", dir, "--quiet");
        Assert.True(code == 0, error);

        var state = Path.Combine(dir, "truncated", "state", "experiment", "hpo-experiment", "truncated.bin");
        Assert.True(File.Exists(state), $"no experiment state at {state}");
        using (var file = new FileStream(state, FileMode.Open))
        {
            file.SetLength(file.Length / 2);
        }
        (code, var output, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(120), "resume", "truncated", "--results-dir", dir);
        Assert.Equal(2, code);
        Assert.Equal("", output.Trim());
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr:\n" + error);
        Assert.StartsWith("error: the state file " + state + " is damaged", lines[0]);
        Assert.Contains($"--results-dir {dir} --overwrite", lines[0]);
    }
}
