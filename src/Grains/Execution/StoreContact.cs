namespace OrleansHpo.Grains.Execution;

/// <summary>
/// Whether this silo can reach the cluster store (Redis or Azure Storage). A silo cut off from the store while its
/// peers still reach it keeps answering them, so Orleans' membership keeps it and its grains; its peers then declare it
/// dead (docs/cluster.md, "A silo cut off from the store"). Before they do, <see cref="MarkLost"/> cancels the runs
/// training here: they end without a verdict and resume from their last checkpoint wherever the trial activates next,
/// so no two silos ever train one trial at once. New runs end at once while the store stays lost. Reversible: a silo
/// whose store comes back (a whole-store outage, seen by every silo) trains again.
/// </summary>
public sealed class StoreContact
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _lost = new();

    /// <summary>True while the store is lost.</summary>
    public bool IsLost { get; private set; }

    /// <summary>Cancelled when the store is lost; a run takes the token current when it starts.</summary>
    public CancellationToken LostToken
    {
        get
        {
            lock (_gate)
            {
                return _lost.Token;
            }
        }
    }

    /// <summary>The store has not answered for too long: cancel the runs training here. Idempotent.</summary>
    public void MarkLost()
    {
        CancellationTokenSource lost;
        lock (_gate)
        {
            if (IsLost)
            {
                return;
            }
            IsLost = true;
            lost = _lost;
        }
        lost.Cancel();
    }

    /// <summary>The store answers again: runs may train.</summary>
    public void MarkReached()
    {
        lock (_gate)
        {
            if (!IsLost)
            {
                return;
            }
            IsLost = false;
            _lost.Dispose();
            _lost = new CancellationTokenSource();
        }
    }
}
