namespace OrleansHpo.ModelSearch.Gp;

/// <summary>
/// Negative log densities of Syne Tune's hyperpriors (<c>bayesopt/gpautograd/distribution.py</c>, v0.13), with their
/// derivative with respect to the logarithm of the parameter (our internal coordinate) or the parameter itself.
/// </summary>
public static class Priors
{
    /// <summary>Gamma(mean, alpha), beta = alpha / mean: (1 - alpha) log x + beta x + log Gamma(alpha) - alpha log beta.</summary>
    public static double GammaNegLog(double x, double mean, double alpha, out double dByLogX)
    {
        var beta = alpha / mean;
        x = Math.Max(x, 1e-12);
        dByLogX = (1.0 - alpha) + (beta * x);
        return ((1.0 - alpha) * Math.Log(x)) + (beta * x) + MathNet.Numerics.SpecialFunctions.GammaLn(alpha) - (alpha * Math.Log(beta));
    }

    /// <summary>LogNormal(mu, sigma) as Syne Tune writes it: log(x sigma) + (log x - mu)^2 / (2 sigma^2).</summary>
    public static double LogNormalNegLog(double x, double mu, double sigma, out double dByLogX)
    {
        x = Math.Max(x, 1e-12);
        var lx = Math.Log(x);
        dByLogX = 1.0 + ((lx - mu) / (sigma * sigma));
        return Math.Log(x * sigma) + ((lx - mu) * (lx - mu) * 0.5 / (sigma * sigma));
    }

    /// <summary>Normal(mu, sigma) without its constant: (x - mu)^2 / (2 sigma^2).</summary>
    public static double NormalNegLog(double x, double mu, double sigma, out double dByX)
    {
        dByX = (x - mu) / (sigma * sigma);
        return (x - mu) * (x - mu) * 0.5 / (sigma * sigma);
    }
}
