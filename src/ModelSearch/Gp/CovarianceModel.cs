namespace OrleansHpo.ModelSearch.Gp;

/// <summary>
/// Mean and covariance functions of a Gaussian process over <see cref="GpInput"/>s, with their hyperparameters in an
/// unconstrained-by-encoding vector (positive ones as logarithms, as Syne Tune's default "logarithm" encoding in
/// <c>gpautograd/gluon_blocks_helpers.py</c>), box bounds for the optimizer and Syne Tune's hyperpriors.
/// </summary>
public abstract class CovarianceModel
{
    /// <summary>Names of the hyperparameters, in vector order (for diagnostics and tests).</summary>
    public abstract IReadOnlyList<string> Names { get; }

    /// <summary>Lower bounds of the internal hyperparameter vector.</summary>
    public abstract double[] Lower { get; }

    /// <summary>Upper bounds of the internal hyperparameter vector.</summary>
    public abstract double[] Upper { get; }

    /// <summary>Starting values of a fit (Syne Tune's INITIAL_* constants; no warm start, opt_warmstart = False).</summary>
    public abstract double[] Initial { get; }

    /// <summary>The functions at hyperparameters <paramref name="theta"/> (internal encoding).</summary>
    public abstract BoundCovariance Bind(double[] theta);

    /// <summary>Negative log hyperprior at <paramref name="theta"/>, its gradient added to <paramref name="gradient"/> when given.</summary>
    public abstract double NegLogPrior(double[] theta, double[]? gradient);

    public int Count => Names.Count;
}

/// <summary>Mean, kernel and noise variance at fixed hyperparameters, with derivatives w.r.t. the internal vector.</summary>
public abstract class BoundCovariance
{
    public abstract double NoiseVariance { get; }

    /// <summary>Index of log noise variance in the internal vector.</summary>
    public abstract int NoiseIndex { get; }

    public abstract double Mean(in GpInput a);

    public abstract double Kernel(in GpInput a, in GpInput b);

    /// <summary>gradient += weight * d mean(a) / d theta.</summary>
    public abstract void AddMeanGradient(in GpInput a, double weight, double[] gradient);

    /// <summary>gradient += weight * d k(a, b) / d theta.</summary>
    public abstract void AddKernelGradient(in GpInput a, in GpInput b, double weight, double[] gradient);
}
