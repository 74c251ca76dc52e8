using OrleansHpo.Core.Training;

namespace OrleansHpo.Tests.Cluster;

/// <summary>
/// The synthetic trainable as "lockstep": every epoch of an embedded run waits at a gate that lets epochs end one at a
/// time, in the order the simulator's clock ended them, so a run with several workers takes its decisions in the
/// simulator's order (SimulatorParityTests). No timing is involved: the gate lets the next epoch go only once the
/// system is quiescent, i.e. when
/// <list type="number">
/// <item>the epoch it released last has come back: its trainable asks for its next epoch (the run continues; a run
/// waits for its rung's decision before that), or is disposed (the run ended with that epoch's decision);</item>
/// <item>every trial event a trial sent to the experiment has been processed by it (counted by grain call filters,
/// <see cref="OnEventSent"/> and <see cref="OnEventDone"/>): the slot the run left was filled (or not) in that turn;</item>
/// <item>the epochs waiting at the gate are exactly the epochs the simulator had pending at that point (so the trials
/// the experiment started or promoted are the simulator's).</item>
/// </list>
/// A run that diverges from the simulator never meets (3): after <see cref="StepTimeout"/> the gate records why in
/// <see cref="Error"/> and lets everything go.
/// </summary>
public sealed class LockstepTrainableFactory(IReadOnlyList<IReadOnlyList<(int TrialId, int Epoch)>> steps) : ITrainableFactory
{
    /// <summary>How long the gate waits for the system to reach the simulator's next state before it gives up.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private readonly object _lock = new();
    private readonly HashSet<(int TrialId, int Epoch)> _waiting = [];
    private (int TrialId, int Epoch)? _released;
    private bool _releasedBack = true;
    private int _step;
    private long _sent;
    private long _done;

    public string Name => "lockstep";

    public IReadOnlyList<string> MetricNames { get; } = new SyntheticTrainableFactory().MetricNames;

    public string Description => "synthetic, one epoch at a time in a given order (tests)";

    /// <summary>Why the run diverged from the simulator, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Epochs released so far.</summary>
    public int Released => _step;

    public ITrainable Create() => new Gated(this);

    /// <summary>A trial sent the experiment a trial event (outgoing call filter).</summary>
    public void OnEventSent()
    {
        lock (_lock)
        {
            _sent++;
        }
    }

    /// <summary>The experiment finished processing a trial event (incoming call filter, after the call).</summary>
    public void OnEventDone()
    {
        lock (_lock)
        {
            _done++;
            Changed();
        }
    }

    private void Arrive(int trialId, int epoch, CancellationToken token)
    {
        using var wake = token.Register(() =>
        {
            lock (_lock)
            {
                Monitor.PulseAll(_lock);
            }
        });
        lock (_lock)
        {
            if (_released == (trialId, epoch - 1))
            {
                _releasedBack = true;
            }
            _waiting.Add((trialId, epoch));
            Changed();
            var deadline = DateTime.UtcNow + StepTimeout;
            while (_released != (trialId, epoch) && Error is null && !token.IsCancellationRequested)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    Error = $"step {_step}: waiting {Show(_waiting)}, the simulator had {(_step < steps.Count ? Show(steps[_step]) : "nothing")} pending; "
                        + $"last released {_released}, back {_releasedBack}, trial events sent {_sent}, processed {_done}";
                    Monitor.PulseAll(_lock);
                    break;
                }
                Monitor.Wait(_lock, left);
            }
            _waiting.Remove((trialId, epoch));
        }
        token.ThrowIfCancellationRequested();
    }

    private void Disposed(int trialId)
    {
        lock (_lock)
        {
            if (_released is { } r && r.TrialId == trialId)
            {
                _releasedBack = true;
                Changed();
            }
        }
    }

    /// <summary>Under the lock: release the simulator's next epoch if the system is quiescent in its state.</summary>
    private void Changed()
    {
        if (_releasedBack && _sent == _done && _step < steps.Count && steps[_step].Count > 0 && _waiting.SetEquals(steps[_step]))
        {
            _released = steps[_step][0];
            _releasedBack = false;
            _step++;
        }
        Monitor.PulseAll(_lock);
    }

    private static string Show(IEnumerable<(int TrialId, int Epoch)> epochs) =>
        "{" + string.Join(" ", epochs.OrderBy(e => e.TrialId).Select(e => $"{e.TrialId}@{e.Epoch}")) + "}";

    private sealed class Gated(LockstepTrainableFactory gate) : ITrainable
    {
        private readonly SyntheticTrainable _inner = new() { SkipDelay = true };
        private int _trialId = -1;

        public void Setup(TrialContext context)
        {
            _trialId = context.TrialId;
            _inner.Setup(context);
        }

        public IReadOnlyDictionary<string, double> TrainEpoch(int epoch, CancellationToken cancellationToken)
        {
            gate.Arrive(_trialId, epoch, cancellationToken);
            return _inner.TrainEpoch(epoch, cancellationToken);
        }

        public void SaveCheckpoint(Stream destination) => _inner.SaveCheckpoint(destination);

        public void LoadCheckpoint(Stream source) => _inner.LoadCheckpoint(source);

        public void Dispose()
        {
            _inner.Dispose();
            gate.Disposed(_trialId);
        }
    }
}
