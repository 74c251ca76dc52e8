using System.Globalization;
using OrleansHpo.Core.Search;
using OrleansHpo.Core.Spec;

namespace OrleansHpo.Tests.Scheduling;

/// <summary>
/// Drives <see cref="ExperimentScheduler"/> with no silo and no simulator: rungs are <see cref="Rung"/>s in memory,
/// a trial's metric at every epoch is <c>values[trialId]</c>, runs execute one at a time in start order, and every
/// decision is written to a trace ("start 0 b0 ->1", "0@1 PAUSE", "promote 0 ->3", "end 0 Paused", "finish: ...").
/// </summary>
internal sealed class SchedulerHarness : IExperimentRuntime
{
    private readonly ExperimentSpec _spec;
    private readonly SchedulerBook _book = new();
    private readonly ExperimentScheduler _scheduler;
    private readonly Dictionary<string, Rung> _rungs = [];
    private readonly Dictionary<int, (RungConfig[] Rungs, int LastEpoch)> _trials = [];
    private readonly Queue<(int TrialId, int RunId)> _runs = new();
    private readonly Func<int, double> _value;

    public SchedulerHarness(string specJson, Func<int, double> value)
    {
        var parsed = SpecParser.Parse(specJson);
        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        _spec = parsed.Spec!;
        _value = value;
        _scheduler = new ExperimentScheduler(_spec, new SchedulerLayout(_spec), _book, this);
    }

    public List<string> Trace { get; } = [];

    public SchedulerBook Book => _book;

    public SchedulerLayout Layout => _scheduler.Layout;

    public ExperimentScheduler Scheduler => _scheduler;

    public static string Spec(string scheduler, int trials, int workers = 1, int maxT = 9) => $$"""
        {
          "name": "trace", "trainable": "synthetic",
          "config_space": { "x": { "type": "uniform", "lower": 0, "upper": 1 }, "epochs": {{maxT}} },
          "metric": "loss", "mode": "min", "max_resource_attr": "epochs",
          "scheduler": {{scheduler}},
          "searcher": { "type": "random", "seed": 1 },
          "n_workers": {{workers}},
          "stop": { "max_trials_started": {{trials}} }
        }
        """;

    public List<string> Run()
    {
        _book.Phase = ExperimentPhase.Running;
        Step();
        while (_runs.TryDequeue(out var run))
        {
            Train(run.TrialId, run.RunId);
            Step();
        }
        return Trace;
    }

    private void Step()
    {
        _scheduler.CheckStopCriteria(0);
        _scheduler.FillSlots().GetAwaiter().GetResult();
        if (_scheduler.IsDone)
        {
            _scheduler.Finish();
            Trace.Add($"finish: {_book.StopReason}");
        }
    }

    private void Train(int trialId, int runId)
    {
        var running = _book.Running[trialId];
        Assert.Equal(runId, running.RunId);
        var (rungs, last) = _trials[trialId];
        for (int epoch = last + 1; ; epoch++)
        {
            double value = _value(trialId);
            if (_book.BestValue is not { } best || value < best)
            {
                _book.BestValue = value;
            }
            TrialDecision? rungDecision = TrialPolicy.RungAt(rungs, epoch, _spec.Scheduler.MaxT) is { } rung
                ? RungOf(rung).OnResult(rung.Kind, trialId, value)
                : null;
            var decision = TrialPolicy.Decide(epoch, _spec.Scheduler.MaxT, running.Milestone, rungDecision);
            Trace.Add($"{trialId}@{epoch} {decision.ToString().ToUpperInvariant()}");
            if (TrialPolicy.Outcome(decision, epoch, _spec.Scheduler.MaxT) is { } outcome)
            {
                _trials[trialId] = (rungs, epoch);
                Trace.Add($"end {trialId} {outcome}");
                _scheduler.OnLeftSlot(trialId, running, outcome).GetAwaiter().GetResult();
                return;
            }
        }
    }

    private Rung RungOf(RungConfig config)
    {
        if (!_rungs.TryGetValue(config.GrainKey, out var rung))
        {
            _rungs[config.GrainKey] = rung = Rung.Restore(config, []);
        }
        return rung;
    }

    public ValueTask<int?> TryPromote(RungConfig rung, int runId) => ValueTask.FromResult(RungOf(rung).TryPromote(rung.Kind));

    public ValueTask OnPromoted(int trialId, RungConfig rung, int runId)
    {
        Trace.Add($"promote {trialId} ->{rung.NextMilestone} (rung {rung.Bracket}/{rung.Level})");
        _runs.Enqueue((trialId, runId));
        return ValueTask.CompletedTask;
    }

    public ValueTask<Suggestion?> Suggest(int trialId) =>
        ValueTask.FromResult<Suggestion?>(new Suggestion(new Dictionary<string, object> { ["x"] = _value(trialId) }, "test"));

    public ValueTask StartTrial(int trialId, int bracket, RungConfig[] rungs, int milestone, int runId)
    {
        _trials[trialId] = (rungs, 0);
        Trace.Add($"start {trialId} b{bracket} ->{milestone}");
        _runs.Enqueue((trialId, runId));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnSyncTrialFailed(RungConfig rung, int trialId)
    {
        RungOf(rung).OnTrialFailed(trialId);
        return ValueTask.CompletedTask;
    }

    public static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
}
