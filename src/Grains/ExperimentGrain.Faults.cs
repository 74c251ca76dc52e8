using Microsoft.Extensions.Logging;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Results;

namespace OrleansHpo.Grains;

/// <summary>
/// The experiment's side of the failure model (docs/architecture.md, "Failures"). A lasting storage fault (disk full,
/// read-only, permission denied), met by this grain's own writes or reported by a trial, halts the experiment: the
/// running trials are interrupted without recording an outcome, nothing more is written except metadata.json where it
/// still can be, and every status this grain answers says Failed with a message naming the path and the fix, which
/// the client turns into a non-zero exit. The persisted state stays as last written, which is a state a crash could
/// have left, so <c>hpo resume</c> continues once the cause is gone with no trial lost or failed because of it.
/// All of it sits in an incoming call filter and the timer's wrapper, around the scheduling code, not inside it.
/// </summary>
public sealed partial class ExperimentGrain : IIncomingGrainCallFilter
{
    /// <summary>Set when a lasting storage fault halted this activation: the message the client shows.</summary>
    private string? _halt;

    /// <summary>
    /// The status at the halt, answered from then on: nothing changes afterwards (every trial event is dropped), and
    /// the searcher journal, which the best trial's config comes from, is closed by the halt.
    /// </summary>
    private ExperimentStatus? _haltedStatus;

    public Task OnStorageFault(string cause) => Halt(cause);

    /// <summary>Set when this silo lost the cluster store: the files are closed and the activation goes away.</summary>
    private bool _released;

    /// <summary>
    /// This silo has lost the cluster store (<see cref="StoreContact"/>): its peers will declare it dead and activate
    /// the experiment elsewhere, which needs results.csv and searcher.jsonl, so this activation closes them now,
    /// answers nothing more and deactivates (docs/cluster.md, "A silo cut off from the store").
    /// </summary>
    private void ReleaseForStoreLoss()
    {
        _released = true;
        logger.LogWarning("Experiment {Experiment}: this silo lost the cluster store; closing its files so that it continues on another silo", Name);
        DisposeResults();
        DeactivateOnIdle();
    }

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        if (_released)
        {
            throw new TimeoutException($"experiment {Name}: this silo has lost the cluster store; it continues on another silo");
        }
        var method = context.InterfaceMethod?.Name;
        if (_halt is not null)
        {
            switch (method)
            {
                case nameof(IExperimentGrain.Resume):
                    await ClearHalt(); // `hpo resume` on a cluster whose silo kept this activation: try again
                    break;
                case nameof(IExperimentGrain.GetStatus) or nameof(IExperimentGrain.Start) or nameof(IExperimentGrain.RequestStop):
                    context.Result = HaltedStatus();
                    return;
                default:
                    // Trial events, reminders, further faults: dropped; the persisted state is what resumes. A result
                    // (none) is set: Orleans treats a filter that neither invokes nor answers as a broken chain.
                    context.Result = null;
                    return;
            }
        }
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (FailureClassifier.LastingCause(e) is { } cause)
        {
            await Halt(cause);
            if (context.Result is ExperimentStatus || context.InterfaceMethod?.ReturnType == typeof(Task<ExperimentStatus>))
            {
                context.Result = HaltedStatus();
                return;
            }
            if (method == nameof(IExperimentGrain.OnTrialEvent) || method == nameof(IRemindable.ReceiveReminder))
            {
                context.Result = null;
                return;
            }
            throw;
        }
        if (_halt is not null && context.Result is ExperimentStatus status)
        {
            context.Result = Halted(status);
        }
    }

    private async Task GuardedTick(CancellationToken cancellationToken)
    {
        if (_halt is not null || _released)
        {
            return;
        }
        if (workers.Store.IsLost)
        {
            ReleaseForStoreLoss();
            return;
        }
        try
        {
            await OnTick(cancellationToken);
        }
        catch (Exception e) when (FailureClassifier.LastingCause(e) is { } cause)
        {
            await Halt(cause);
        }
    }

    private ExperimentStatus HaltedStatus() => _haltedStatus ?? Halted(Status());

    private ExperimentStatus Halted(ExperimentStatus status) =>
        _halt is null ? status : status with { Phase = ExperimentPhase.Failed, Error = _halt, StopReason = "storage fault" };

    private async Task Halt(string cause)
    {
        if (_halt is not null || S.SpecJson is null)
        {
            return;
        }
        var root = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(S.ResultsDir)) ?? S.ResultsDir;
        _halt = $"{cause}, then continue with `hpo resume {Name} --results-dir {root}`; no trial is lost or failed because of it";
        HpoMetrics.StorageHalts.Add(1);
        logger.LogError("Experiment {Experiment} halted: {Cause}", Name, _halt);
        var interrupts = S.Running.Keys.Select(async id =>
        {
            try
            {
                await Trial(id).Interrupt().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e)
            {
                logger.LogWarning("Experiment {Experiment}: trial {TrialId} not interrupted ({Error}); it stops at its next write", Name, id, e.Message);
            }
        });
        await Task.WhenAll(interrupts);
        _haltedStatus = Halted(Status());
        // What can still be written is written: metadata.json says why the run ended (atomic; the old file stays
        // when even this fails, and the client then says so).
        try
        {
            if (_spec is not null)
            {
                var json = ExperimentMetadata.Compose(_spec, Metadata(HaltedStatus()));
                var path = Path.Combine(S.ResultsDir, "metadata.json");
                await Task.Run(() => ExperimentMetadata.WriteAtomically(path, json)); // the file I/O off the grain's thread
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Experiment {Experiment}: metadata.json not written ({Error})", Name, e.Message);
        }
        DisposeResults();
    }

    /// <summary>Back to the persisted state, as a fresh activation would read it, and try again.</summary>
    private async Task ClearHalt()
    {
        _halt = null;
        _haltedStatus = null;
        DisposeResults();
        await state.ReadStateAsync();
        Initialize();
    }

    private void DisposeResults()
    {
        try
        {
            _results?.Dispose();
            _searcher?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full or read-only disk refused the last buffered rows: results.csv is rebuilt from the trials' reports.
            logger.LogDebug("Experiment {Experiment}: results.csv not flushed ({Error})", Name, e.Message);
        }
        _results = null;
        _searcher = null;
    }
}
