namespace OrleansHpo.ModelSearch.Bayesopt;

/// <summary>
/// When the GP hyperparameters are refitted, as a function of the number of observations only: every size up to
/// <c>opt_skip_init_length</c>, then every <c>opt_skip_period</c> observations (Syne Tune's meaning of the two options
/// in <c>gp_searcher_factory.py</c>). A fit is a pure function of the first <see cref="FitPoint"/> observations in
/// arrival order (initial values, no warm start, restarts seeded by that size), so a searcher rebuilt by replay
/// computes exactly the hyperparameters the uninterrupted one had, with at most one fit per suggestion.
/// </summary>
public static class RefitSchedule
{
    public static int FitPoint(int observations, int initLength, int period)
    {
        if (observations <= initLength)
        {
            return observations;
        }
        return initLength + ((observations - initLength) / Math.Max(1, period) * Math.Max(1, period));
    }
}
