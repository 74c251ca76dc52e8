using System.Text.Json.Nodes;
using OrleansHpo.Core.Search;

namespace OrleansHpo.Tests.Cli;

/// <summary>
/// A searcher that learns from reports (samples/custom-trainable's local-search, and MOBSTER's Gaussian-process
/// "bayesopt") suggests the same configs in the same order whether its <c>hpo run</c> is killed with SIGKILL three
/// times and resumed each time, or never interrupted: after each restart the experiment grain rebuilds it by replaying
/// searcher.jsonl (docs/searchers.md, docs/model-based-search.md "Determinism, replay and the refit schedule").
/// </summary>
public sealed class SearcherReplayTests
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "CustomTrainable.dll");

    /// <summary>The process tests' synthetic ASHA spec with one worker and the given searcher.</summary>
    private static string Spec(string dir, string name, string searcher)
    {
        var path = SyntheticAshaSpec.Write(dir, name, trials: 14, delayMs: 60, seed: 5);
        File.WriteAllText(path, File.ReadAllText(path)
            .Replace("\"searcher\": { \"type\": \"random\", \"seed\": 5 }", searcher, StringComparison.Ordinal)
            .Replace("\"n_workers\": 4", "\"n_workers\": 1", StringComparison.Ordinal));
        return path;
    }

    [Theory]
    [InlineData("{ \"type\": \"local-search\", \"seed\": 5, \"explore\": 0.2 }")]
    [InlineData("{ \"type\": \"bayesopt\", \"seed\": 5 }")] // 6 random configs, then 8 from the model
    public async Task Killed_three_times_and_resumed_suggests_what_an_uninterrupted_run_suggests(string searcher)
    {
        searcher = "\"searcher\": " + searcher;
        var dir = HpoProcess.TempDir();
        var reference = await HpoProcess.RunAsync(TimeSpan.FromSeconds(180), "run", Spec(dir, "whole", searcher), "--trainables", Dll, "--results-dir", dir, "--quiet");
        Assert.True(reference.ExitCode == 0, reference.Output + reference.Error);

        var spec = Spec(dir, "cut", searcher);
        var results = Path.Combine(dir, "cut", "results.csv");
        var kills = 0;
        foreach (var (reports, verb) in new[] { (6, "run"), (14, "resume"), (22, "resume") })
        {
            string[] args = verb == "run"
                ? ["run", spec, "--trainables", Dll, "--results-dir", dir, "--quiet"]
                : ["resume", "cut", "--trainables", Dll, "--results-dir", dir, "--quiet"];
            using var process = HpoProcess.Start(args);
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (HpoProcess.CountLines(results) < reports + 1 && DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(15);
            }
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no drain, no flush
                kills++;
            }
            await process.WaitForExitAsync();
        }
        Assert.Equal(3, kills);
        var resumed = await HpoProcess.RunAsync(TimeSpan.FromSeconds(180), "resume", "cut", "--trainables", Dll, "--results-dir", dir, "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Error);

        var whole = Starts(Path.Combine(dir, "whole", SearcherJournal.FileName));
        var cut = Starts(Path.Combine(dir, "cut", SearcherJournal.FileName));
        Assert.Equal(14, whole.Count);
        Assert.Contains(whole, s => s.Contains("\"source\":\"model\"", StringComparison.Ordinal)); // suggestions did depend on reports
        Assert.Equal(whole, cut);
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "cut", "metadata.json")))!;
        Assert.Equal("completed", metadata["status"]!.GetValue<string>());
    }

    /// <summary>The start records of a journal (trial, source, config), in order.</summary>
    private static List<string> Starts(string journal) =>
        [.. File.ReadLines(journal).Where(l => l.StartsWith("{\"op\":\"start\"", StringComparison.Ordinal))];
}
