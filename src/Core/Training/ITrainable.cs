namespace OrleansHpo.Core.Training;

/// <summary>
/// The contract user code implements: train one epoch and return its metrics, save and load a checkpoint.
/// The runner owns the epoch loop: it calls <see cref="Setup"/>, then <see cref="LoadCheckpoint"/> when resuming,
/// then <see cref="TrainEpoch"/> for <see cref="TrialContext.StartEpoch"/>..<see cref="TrialContext.StopEpoch"/>,
/// saving a checkpoint (before the report, as Syne Tune's guide asks) at the epochs where the trial can pause.
/// One instance serves one trial on one thread; it is disposed when the trial pauses, stops or moves.
/// </summary>
public interface ITrainable : IDisposable
{
    /// <summary>Build the model, optimizer and data order for the trial's config. Called once, before anything else.</summary>
    void Setup(TrialContext context);

    /// <summary>Train epoch <paramref name="epoch"/> (1-based) and return its metrics (must include the spec's metric).
    /// Check <paramref name="cancellationToken"/> at least once per batch.</summary>
    IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken);

    /// <summary>Write everything needed to continue after the last trained epoch: model, optimizer, RNG and data-order state.</summary>
    void SaveCheckpoint(Stream destination);

    /// <summary>Restore the state written by <see cref="SaveCheckpoint"/>; training continues at the next epoch.</summary>
    void LoadCheckpoint(Stream source);
}
