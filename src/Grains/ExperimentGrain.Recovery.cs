using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains;

/// <summary>
/// Cluster fault tolerance of the experiment grain (docs/cluster.md). A trial whose silo died keeps its persisted status
/// Running but has no activation and no run, so nothing would ever report for it again. The experiment's timer
/// therefore asks every running trial it has not heard from for <see cref="RecoveryOptions.ReconcileInterval"/> to
/// <c>Recover</c>: a live run makes that a no-op; a lost one reactivates the trial on a live silo, which continues
/// from its last checkpoint; a trial whose outcome event was lost answers with its outcome, and the slot frees up.
/// An Orleans reminder reactivates the experiment after a whole-cluster restart, and its activation runs the same
/// reconcile, so the experiment continues without a client.
/// </summary>
public sealed partial class ExperimentGrain
{
    private const string ReminderName = "hpo-experiment-keepalive";

    private RecoveryOptions _recovery = new();
    private readonly Dictionary<int, long> _heard = [];
    private long _lastReconcile;
    private bool _checkPromotions = true;
    private bool _reminderDropped;
    /// <summary>Trials running when this activation began and not yet asked since: reports they sent one-way to a
    /// previous activation that died before writing them are fetched once (results.csv skips the ones it has), also
    /// from those that have left their slot since (the chaos bench lost 4 epochs of a trial that completed before
    /// the first reconcile round asked it).</summary>
    private HashSet<int>? _sweep;

    private async Task OnActivateRecovery()
    {
        _recovery = ServiceProvider.GetService<RecoveryOptions>() ?? _recovery;
        if (S.SpecJson is not null && S.Phase is ExperimentPhase.Running or ExperimentPhase.Stopping)
        {
            logger.LogInformation("Experiment {Experiment} activated with {Running} running trials; reconciling them", Name, S.Running.Count);
            _sweep = [.. S.Running.Keys];
            await EnsureReminder();
        }
    }

    /// <summary>The reminder's only job is to bring the experiment back to life; activation does the rest.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.Phase is not (ExperimentPhase.Running or ExperimentPhase.Stopping))
        {
            await DropReminderWhenDone();
            return;
        }
        await ReconcileIfDue();
    }

    private void Heard(int trialId) => _heard[trialId] = Environment.TickCount64;

    /// <summary>Runs whose end this activation counted (the reconcile loop may count it before the trial's own event arrives).</summary>
    private readonly HashSet<long> _leftSlot = [];

    private void RememberLeftSlot(int trialId, int runId) => _leftSlot.Add(((long)trialId << 32) | (uint)runId);

    private bool LeftSlotBefore(int trialId, int runId) => _leftSlot.Contains(((long)trialId << 32) | (uint)runId);

    private async Task EnsureReminder()
    {
        if (_recovery.ReminderPeriod is { } period)
        {
            await this.RegisterOrUpdateReminder(ReminderName, period, period);
        }
    }

    private async Task DropReminderWhenDone()
    {
        if (_recovery.ReminderPeriod is null || _reminderDropped || S.Phase is not (ExperimentPhase.Completed or ExperimentPhase.Failed))
        {
            return;
        }
        _reminderDropped = true;
        try
        {
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning("Experiment {Experiment}: could not drop its reminder ({Error}); it is dropped when it next fires", Name, e.Message);
        }
    }

    /// <summary>
    /// Fetches the reports of trials in <see cref="_sweep"/> that have left their slot without being asked (their
    /// outcome event reached this activation, earlier one-way reports may have gone to the dead one). A trial that
    /// cannot be reached stays in the sweep for the next round.
    /// </summary>
    private async Task SweepLeft()
    {
        if (_sweep is null)
        {
            return;
        }
        foreach (var id in _sweep.Where(id => !S.Running.ContainsKey(id)).ToList())
        {
            try
            {
                var snapshot = await Trial(id).GetSnapshot().WaitAsync(_recovery.CallTimeout);
                Record(snapshot.Reports);
                _sweep.Remove(id);
            }
            catch (Exception e) when (TransientRetry.IsTransient(e))
            {
                logger.LogDebug("Experiment {Experiment}: trial {TrialId} did not answer the sweep ({Error}); asking again", Name, id, e.Message);
            }
        }
    }

    private async Task ReconcileIfDue()
    {
        if (!_recovery.Enabled || _spec is null || S.Phase is not (ExperimentPhase.Running or ExperimentPhase.Stopping))
        {
            return;
        }
        long now = Environment.TickCount64;
        long interval = (long)_recovery.ReconcileInterval.TotalMilliseconds;
        if (now - _lastReconcile < interval)
        {
            return;
        }
        _lastReconcile = now;
        if (_checkPromotions)
        {
            // Once per activation: a promotion the rung made while this grain's previous activation died.
            try
            {
                await ReconcilePromotions();
                _checkPromotions = false;
            }
            catch (Exception e) when (TransientRetry.IsTransient(e))
            {
                logger.LogWarning("Experiment {Experiment}: promotion check failed ({Error}); retrying", Name, e.Message);
            }
        }
        _sweep ??= [.. S.Running.Keys];
        await SweepLeft();
        var silent = S.Running.Where(kv => _sweep.Contains(kv.Key) || !_heard.TryGetValue(kv.Key, out var t) || now - t >= interval).ToList();
        var calls = silent.Select(kv =>
        {
            var plan = PlanOf(kv.Key, kv.Value.Bracket, _layout!.RungsOfBracket(kv.Value.Bracket));
            return (Id: kv.Key, Running: kv.Value, Call: Trial(kv.Key).Recover(plan, kv.Value.Milestone, kv.Value.RunId).WaitAsync(_recovery.CallTimeout));
        }).ToList();
        foreach (var (id, running, call) in calls)
        {
            RecoverResult result;
            try
            {
                result = await call;
            }
            catch (Exception e)
            {
                logger.LogDebug("Experiment {Experiment}: trial {TrialId} did not answer ({Error}); asking again next round", Name, id, e.Message);
                continue;
            }
            Heard(id);
            _sweep.Remove(id);
            Record(result.Reports);
            AdoptNewerRun(id, running, result);
            if (result.Status is not TrialStatus.Running
                && S.Running.TryGetValue(id, out var current) && current.RunId == running.RunId)
            {
                logger.LogInformation("Experiment {Experiment}: trial {TrialId} had ended as {Status} without telling; slot freed", Name, id, result.Status);
                await OnLeftSlot(id, running, result.Status, null);
                _checkpoints!.OnLeftSlot(id, running.Bracket, result.Status, result.Level, result.Reports);
            }
        }
        await AfterChange();
    }
}
