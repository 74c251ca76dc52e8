namespace OrleansHpo.ModelSearch.Gp;

/// <summary>An input of the Gaussian process: an encoded config (in [0, 1]^d) and the resource (epoch) it was observed at.</summary>
public readonly record struct GpInput(double[] X, int Resource);
