using OrleansHpo.Core.Spec;

namespace OrleansHpo.Tests.Spec;

public class SpecParserTests
{
    private static ExperimentSpec Valid(string json, params string[] overrides)
    {
        var r = SpecParser.Parse(json, overrides);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        return r.Spec!;
    }

    private static IReadOnlyList<SpecError> Invalid(string json, params string[] overrides)
    {
        var r = SpecParser.Parse(json, overrides);
        Assert.False(r.Ok);
        Assert.Null(r.Spec);
        Assert.NotEmpty(r.Errors);
        return r.Errors;
    }

    [Fact]
    public void FullSpecMapsEveryField()
    {
        var s = Valid(SpecSamples.Full);
        Assert.Equal("full-spec_1.0", s.Name);
        Assert.Equal("synthetic", s.Trainable);
        Assert.Equal("loss", s.Metric);
        Assert.Equal(Mode.Max, s.Mode);
        Assert.Equal("step", s.ResourceAttr);
        Assert.Equal("epochs", s.MaxResourceAttr);

        Assert.Equal(["lr", "m", "width", "depth", "act", "epochs", "scale", "tag", "flag"], s.ConfigSpace.AllNames);
        Assert.Equal(["lr", "m", "width", "depth", "act"], s.ConfigSpace.TunableNames);
        Assert.Equal(new LogUniformDomain(0.0001, 1.0), s.ConfigSpace["lr"]);
        Assert.Equal(new UniformDomain(0.0, 0.99), s.ConfigSpace["m"]);
        Assert.Equal(new RandIntDomain(8, 512, true), s.ConfigSpace["width"]);
        Assert.Equal(new RandIntDomain(1, 4, false), s.ConfigSpace["depth"]);
        Assert.Equal(new ChoiceDomain(["relu", "tanh", 3L, 2.5, true]), s.ConfigSpace["act"]);
        Assert.Equal(new FixedDomain(27L), s.ConfigSpace["epochs"]);
        Assert.Equal(new FixedDomain(0.5), s.ConfigSpace["scale"]);
        Assert.Equal(new FixedDomain("exp"), s.ConfigSpace["tag"]);
        Assert.Equal(new FixedDomain(false), s.ConfigSpace["flag"]);

        var sch = s.Scheduler;
        Assert.Equal(SchedulerType.Hyperband, sch.Type);
        Assert.Equal(SchedulerVariant.Promotion, sch.Variant);
        Assert.Equal(2, sch.GracePeriod);
        Assert.Equal(2.5, sch.ReductionFactor);
        Assert.Equal(30, sch.MaxT); // explicit max_t wins over config_space.epochs
        Assert.Equal(3, sch.Brackets);
        Assert.Equal([2, 5, 12], sch.RungLevels!);

        Assert.Equal((SearcherSpec.Grid, 7, 3), (s.Searcher.Type, s.Searcher.Seed, s.Searcher.GridPoints));
        Assert.Equal("3", s.Searcher.Options["grid_points"].GetRawText()); // every key but type and seed, raw

        var p = s.PointsToEvaluate!;
        Assert.Equal(2, p.Count);
        Assert.Equal(0.01, p[0]["lr"]);
        Assert.Equal("tanh", p[0]["act"]);
        Assert.Equal(16L, p[1]["width"]); // coerced to the domain's type
        Assert.Equal(0.0, p[1]["m"]);

        Assert.Equal(8, s.NWorkers);
        Assert.Equal(new StopSpec { MaxWallclockSeconds = 12.5, MaxTrialsStarted = 100, MaxTrialsCompleted = 50, MetricThreshold = 0.05 }, s.Stop);
        Assert.Equal(3, s.MaxFailures);
        Assert.Equal(new CheckpointSpec
        {
            EveryEpoch = true, MaxNumCheckpoints = 10, Removal = CheckpointRemoval.ByLevel, ApproxSteps = 20, PriorBetaMean = 0.4,
            PriorBetaSize = 3, MinDataAtRung = 6, DeleteFinished = false, KeepBest = 2,
        }, s.Checkpoints);
        Assert.Contains("\"full-spec_1.0\"", s.SourceJson);
        Assert.True(SpecParser.Parse(s.SourceJson).Ok);
    }

    [Fact]
    public void MinimalSpecTakesDefaultsAndMaxTFromMaxResourceAttr()
    {
        var s = Valid(SpecSamples.Minimal);
        Assert.Equal(Mode.Min, s.Mode);
        Assert.Equal("epoch", s.ResourceAttr);
        Assert.Equal(SchedulerType.Asha, s.Scheduler.Type);
        Assert.Equal(SchedulerVariant.Stopping, s.Scheduler.Variant);
        Assert.Equal(1, s.Scheduler.GracePeriod);
        Assert.Equal(3, s.Scheduler.ReductionFactor);
        Assert.Equal(9, s.Scheduler.MaxT);
        Assert.Equal(1, s.Scheduler.Brackets);
        Assert.Null(s.Scheduler.RungLevels);
        Assert.Equal(SearcherSpec.Random, s.Searcher.Type);
        Assert.Equal(0, s.Searcher.Seed);
        Assert.Equal(5, s.Searcher.GridPoints);
        Assert.Null(s.PointsToEvaluate);
        Assert.Equal(4, s.NWorkers);
        Assert.Null(s.MaxFailures);
        Assert.Equal(new CheckpointSpec(), s.Checkpoints);
    }

    [Fact]
    public void SamplesInTheRepositoryParse()
    {
        var dir = FindSamples();
        var sep = Path.DirectorySeparatorChar;
        var files = Directory.GetFiles(dir, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}obj{sep}", StringComparison.Ordinal) && !f.Contains($"{sep}bin{sep}", StringComparison.Ordinal)) // build outputs of samples/custom-trainable
            .ToArray();
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            var r = SpecParser.Parse(File.ReadAllText(f));
            Assert.True(r.Ok, f + ": " + string.Join("\n", r.Errors));
        }
    }

    private static string FindSamples()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "samples");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("samples/");
    }

    [Fact]
    public void MaxTFromMaxResourceAttrMustBeAFixedPositiveInteger()
    {
        Assert.Contains(Invalid(SpecSamples.Minimal, "config_space.epochs={\"type\":\"randint\",\"lower\":1,\"upper\":9}"), e => e.Path == "config_space.epochs");
        Assert.Contains(Invalid(SpecSamples.Minimal, "config_space.epochs=2.5"), e => e.Path == "config_space.epochs");
        Assert.Contains(Invalid(SpecSamples.Minimal, "config_space.epochs=0"), e => e.Path == "config_space.epochs");
        Assert.Contains(Invalid(SpecSamples.Minimal, "max_resource_attr=nope"), e => e.Path == "scheduler.max_t");
        Assert.Contains(Invalid(SpecSamples.Minimal, "max_resource_attr=null"), e => e.Path == "scheduler.max_t");
        Assert.Equal(5, Valid(SpecSamples.Minimal, "scheduler.max_t=5").Scheduler.MaxT);
        Assert.Contains(Invalid(SpecSamples.Minimal, "config_space.epochs=1"), e => e.Path == "scheduler.grace_period");
        Assert.Equal(1, Valid(SpecSamples.Minimal, "config_space.epochs=1", "scheduler.type=fifo").Scheduler.MaxT);
    }

    [Fact]
    public void OverridesSetReplaceAndCreatePaths()
    {
        var s = Valid(SpecSamples.Minimal,
            "stop.max_wallclock_seconds=30",
            "scheduler.type=hyperband",
            "scheduler.variant=promotion",
            "config_space.lr.lower=0.001",
            "searcher.seed=11",
            "name=renamed",
            "checkpoints.removal=speculative",
            "checkpoints.max_num_checkpoints=10",
            "points_to_evaluate=[]");
        Assert.Equal(30, s.Stop.MaxWallclockSeconds);
        Assert.Equal(10, s.Stop.MaxTrialsStarted);
        Assert.Equal(SchedulerType.Hyperband, s.Scheduler.Type);
        Assert.Equal(SchedulerVariant.Promotion, s.Scheduler.Variant);
        Assert.Null(s.Scheduler.Brackets);
        Assert.Equal(new UniformDomain(0.001, 1), s.ConfigSpace["lr"]);
        Assert.Equal(11, s.Searcher.Seed);
        Assert.Equal("renamed", s.Name);
        Assert.Equal(CheckpointRemoval.Speculative, s.Checkpoints.Removal);
        Assert.NotNull(s.PointsToEvaluate);
        Assert.Empty(s.PointsToEvaluate!);
        Assert.Contains("\"renamed\"", s.SourceJson);
        Assert.Contains("speculative", s.SourceJson);
    }

    [Fact]
    public void OverrideValueThatIsNotJsonIsAString()
    {
        var s = Valid(SpecSamples.Minimal, "metric=val loss", "config_space.tag=hello world", "config_space.n=12");
        Assert.Equal("val loss", s.Metric);
        Assert.Equal(new FixedDomain("hello world"), s.ConfigSpace["tag"]);
        Assert.Equal(new FixedDomain(12L), s.ConfigSpace["n"]);
    }

    [Theory]
    [InlineData("no-equals-sign")]
    [InlineData("=5")]
    [InlineData("stop..x=5")]
    [InlineData("name.inner=5")]
    public void MalformedOverridesAreErrorsOnSet(string o)
    {
        Assert.Contains(Invalid(SpecSamples.Minimal, o), e => e.Path == "--set");
    }

    [Fact]
    public void MessagesNameThePathTheProblemAndWhatIsAllowed()
    {
        var errors = Invalid(SpecSamples.Minimal,
            "config_space.lr={\"type\":\"loguniform\",\"lower\":0,\"upper\":1}",
            "scheduler.type=ashaa",
            "n_workers=2.5").Select(e => e.ToString()).ToList();
        Assert.Contains("config_space.lr.lower: must be > 0 for loguniform, got 0", errors);
        Assert.Contains("scheduler.type: unknown scheduler 'ashaa'; allowed: fifo, asha, hyperband, sync-sh, sync-hyperband", errors);
        Assert.Contains("n_workers: must be an integer between 1 and 4096, got 2.5", errors);
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void AllErrorsAreCollected()
    {
        var errors = Invalid("""{ "name": "a b", "config_space": 3, "n_workers": 0, "stop": {}, "bogus": 1 }""");
        var paths = errors.Select(e => e.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "name", "trainable", "metric", "config_space", "n_workers", "stop", "bogus", "scheduler.max_t" }, paths);
    }

    [Fact]
    public void UnknownKeysListAllowedKeysAndSuggest()
    {
        var e = Assert.Single(Invalid(SpecSamples.Minimal, "scheduler.grace=2"));
        Assert.Equal("scheduler.grace", e.Path);
        Assert.Contains("grace_period", e.Message);
        var top = Assert.Single(Invalid(SpecSamples.Minimal, "n_worker=2"));
        Assert.Equal("n_worker", top.Path);
        Assert.Contains("did you mean 'n_workers'", top.Message);
    }

    [Fact]
    public void StopNeedsACriterion()
    {
        var e = Assert.Single(Invalid(SpecSamples.Minimal, "stop={}"));
        Assert.Equal("stop", e.Path);
        Assert.Contains("max_wallclock_seconds, max_trials_started, max_trials_completed, metric_threshold", e.Message);
    }

    [Fact]
    public void BrokenJsonIsReportedAtDollarWithLine()
    {
        var e = Assert.Single(Invalid("{\n  \"name\": \"x\",\n  \"trainable\" \"y\"\n}"));
        Assert.Equal("$", e.Path);
        Assert.Contains("line 3", e.Message);
    }

    [Theory]
    [InlineData("asha", SchedulerVariant.Promotion, 1)]
    [InlineData("sync-hyperband", SchedulerVariant.Stopping, null)]
    [InlineData("sync-sh", SchedulerVariant.Stopping, 1)]
    [InlineData("fifo", SchedulerVariant.Stopping, 1)]
    public void SchedulerTypes(string type, SchedulerVariant variant, int? brackets)
    {
        var sets = variant == SchedulerVariant.Promotion ? new[] { $"scheduler.type={type}", "scheduler.variant=promotion" } : [$"scheduler.type={type}"];
        var s = Valid(SpecSamples.Minimal, sets);
        Assert.Equal(variant, s.Scheduler.Variant);
        Assert.Equal(brackets, s.Scheduler.Brackets);
    }

    [Fact]
    public void SchedulerRelations()
    {
        Assert.Contains(Invalid(SpecSamples.Minimal, "scheduler.type=asha", "scheduler.brackets=2"), e => e.Path == "scheduler.brackets");
        Assert.Contains(Invalid(SpecSamples.Minimal, "scheduler.type=sync-sh", "scheduler.variant=promotion"), e => e.Path == "scheduler.variant");
        Assert.Contains(Invalid(SpecSamples.Minimal, "scheduler.rung_levels=[1,3,3]"), e => e.Path == "scheduler.rung_levels[2]");
        Assert.Contains(Invalid(SpecSamples.Minimal, "scheduler.rung_levels=[1,30]"), e => e.Path == "scheduler.rung_levels[1]");
        Assert.Contains(Invalid(SpecSamples.Minimal, "scheduler.max_t=1"), e => e.Path == "scheduler.max_t");
        Assert.Equal([1, 3, 9], Valid(SpecSamples.Minimal, "scheduler.rung_levels=[1,3,9]").Scheduler.RungLevels!);
    }

    [Fact]
    public void PointsToEvaluateMustFitTheSpace()
    {
        Assert.Contains(Invalid(SpecSamples.Minimal, "points_to_evaluate=[{\"lr\": 2}]"), e => e.Path == "points_to_evaluate[0].lr" && e.Message.Contains("[0, 1]"));
        Assert.Contains(Invalid(SpecSamples.Minimal, "points_to_evaluate=[{\"lx\": 0.5}]"), e => e.Path == "points_to_evaluate[0].lx");
        Assert.Contains(Invalid(SpecSamples.Minimal, "points_to_evaluate=[{\"epochs\": 3}]"), e => e.Path == "points_to_evaluate[0].epochs");
        var s = Valid(SpecSamples.Minimal, "points_to_evaluate=[{\"lr\": 1}, {}]");
        Assert.Equal(1.0, s.PointsToEvaluate![0]["lr"]);
        Assert.Empty(s.PointsToEvaluate[1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("{\"name\": \"a\", \"name\": \"b\"}")]
    [InlineData("{\"n_workers\": 1e400}")]
    [InlineData("{\"n_workers\": -1e400}")]
    [InlineData("{\"n_workers\": 99999999999999999999999999}")]
    [InlineData("{\"config_space\": {\"x\": 1e400, \"y\": {\"type\": \"randint\", \"lower\": -1e400, \"upper\": 1e19}}}")]
    [InlineData("{\"config_space\": {\"x\": {\"type\": \"uniform\", \"lower\": -1.7e308, \"upper\": 1.7e308}}}")]
    public void NeverThrows(string json)
    {
        var r = SpecParser.Parse(json);
        Assert.False(r.Ok);
        Assert.All(r.Errors, e => Assert.False(string.IsNullOrEmpty(e.Path)));
    }

    [Fact]
    public void DeepNestingIsAnErrorNotAnException()
    {
        var json = "{\"config_space\":" + new string('[', 5000) + new string(']', 5000) + "}";
        Assert.Contains(SpecParser.Parse(json).Errors, e => e.Path == "$");
    }
}
