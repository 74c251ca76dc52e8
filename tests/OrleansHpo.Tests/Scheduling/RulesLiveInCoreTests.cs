namespace OrleansHpo.Tests.Scheduling;

/// <summary>
/// Grains are adapters of the Core scheduler (docs/architecture.md, "Where each rule is"): no source file under
/// src/Grains branches on a rung kind or the layout's shape, compares metric values by mode, or reads the layout's
/// rungs, brackets, quantiles or milestones itself. A new rule written in a grain trips this test; it belongs in
/// src/Core (ExperimentScheduler, TrialPolicy, CheckpointPolicy, SchedulerLayout), unit-tested there.
/// </summary>
public sealed class RulesLiveInCoreTests
{
    private static readonly string[] Forbidden =
    [
        "RungKind.", ".IsSynchronous", ".SharedRungs", ".NumBrackets", "Mode.Min", "Mode.Max", ".NumPromote", ".Quantile",
        ".AsyncRungs(", ".SyncRungs(", ".FirstMilestone(", ".BracketForTrial(", ".FirstRungSize(", "SyncBracketIndexOfInstance",
    ];

    [Fact]
    public void No_grain_source_holds_a_scheduling_rule()
    {
        var grains = Path.Combine(Slurm.LocalSlurm.Root.Value, "src", "Grains");
        var hits = Directory.EnumerateFiles(grains, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(grains, f), Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal))
            .Where(l => Forbidden.Any(token => l.Text.Contains(token, StringComparison.Ordinal)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}")
            .ToList();
        Assert.True(hits.Count == 0, "scheduling rules in src/Grains (move them to src/Core):\n" + string.Join("\n", hits));
    }
}
