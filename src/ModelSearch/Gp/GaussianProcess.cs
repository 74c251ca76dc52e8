using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace OrleansHpo.ModelSearch.Gp;

/// <summary>
/// Exact GP regression: the Cholesky factor of K + noise I, the negative log marginal likelihood and its gradient
/// (Syne Tune: <c>bayesopt/gpautograd/posterior_utils.py</c>, <c>posterior_state.py</c>, <c>likelihood.py</c>;
/// Rasmussen and Williams 2006, eq. 2.30 and 5.9).
/// </summary>
public static class GaussianProcess
{
    /// <summary>0.5 log(2 pi).</summary>
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>K(inputs, inputs) + noise I.</summary>
    public static Matrix<double> KernelMatrix(BoundCovariance f, IReadOnlyList<GpInput> inputs)
    {
        var n = inputs.Count;
        var k = Matrix<double>.Build.Dense(n, n);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var v = f.Kernel(inputs[i], inputs[j]);
                k[i, j] = v;
                k[j, i] = v;
            }
            k[i, i] += f.NoiseVariance;
        }
        return k;
    }

    /// <summary>
    /// Cholesky factorization of <paramref name="k"/>; when it fails, jitter is added to the diagonal, starting at
    /// 1e-9 times the mean diagonal and growing tenfold (Syne Tune's AddJitterOp).
    /// </summary>
    public static Cholesky<double> Factor(Matrix<double> k)
    {
        try
        {
            return k.Cholesky();
        }
        catch (ArgumentException)
        {
        }
        var meanDiag = k.Diagonal().Average();
        var jitter = 1e-9 * Math.Max(meanDiag, 1e-12);
        for (var attempt = 0; attempt < 12; attempt++, jitter *= 10)
        {
            var kj = k.Clone();
            for (var i = 0; i < kj.RowCount; i++)
            {
                kj[i, i] += jitter;
            }
            try
            {
                return kj.Cholesky();
            }
            catch (ArgumentException)
            {
            }
        }
        throw new InvalidOperationException("kernel matrix is not positive definite even with jitter");
    }

    /// <summary>
    /// -log p(y | theta) for targets <paramref name="y"/>; when <paramref name="gradient"/> is given (length
    /// model.Count) it receives the gradient w.r.t. the internal hyperparameters (overwritten). Priors not included.
    /// </summary>
    public static double NegLogLikelihood(CovarianceModel model, double[] theta, IReadOnlyList<GpInput> inputs, double[] y, double[]? gradient)
    {
        var f = model.Bind(theta);
        var n = inputs.Count;
        var k = new double[n * n];
        var meanDiag = 0.0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                k[(i * n) + j] = f.Kernel(inputs[i], inputs[j]);
            }
            k[(i * n) + i] += f.NoiseVariance;
            meanDiag += k[(i * n) + i] / n;
        }
        var l = (double[])k.Clone();
        if (!SpdInverse.Cholesky(l, n))
        {
            // Syne Tune's AddJitterOp: grow the diagonal from 1e-9 times its mean until the factorization succeeds.
            var jitter = 1e-9 * Math.Max(meanDiag, 1e-12);
            var ok = false;
            for (var attempt = 0; attempt < 12 && !ok; attempt++, jitter *= 10)
            {
                Array.Copy(k, l, k.Length);
                for (var i = 0; i < n; i++)
                {
                    l[(i * n) + i] += jitter;
                }
                ok = SpdInverse.Cholesky(l, n);
            }
            if (!ok)
            {
                throw new InvalidOperationException("kernel matrix is not positive definite even with jitter");
            }
        }
        var kinv = SpdInverse.InverseFromCholesky(l, n);
        var centred = new double[n];
        for (var i = 0; i < n; i++)
        {
            centred[i] = y[i] - f.Mean(inputs[i]);
        }
        var alpha = new double[n];
        var logDet = 0.0;
        for (var i = 0; i < n; i++)
        {
            alpha[i] = SpdInverse.Dot(kinv.AsSpan(i * n, n), centred);
            logDet += Math.Log(l[(i * n) + i]);
        }
        var nll = (0.5 * SpdInverse.Dot(centred, alpha)) + logDet + (n * HalfLog2Pi);
        if (gradient is not null)
        {
            Array.Clear(gradient);
            // d nll / d theta = 0.5 tr((K^-1 - alpha alpha^T) dK/dtheta) - alpha^T dm/dtheta
            var trace = 0.0;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j <= i; j++)
                {
                    var w = kinv[(i * n) + j] - (alpha[i] * alpha[j]);
                    if (i == j)
                    {
                        trace += w;
                        f.AddKernelGradient(inputs[i], inputs[j], 0.5 * w, gradient);
                    }
                    else
                    {
                        f.AddKernelGradient(inputs[i], inputs[j], w, gradient);
                    }
                }
                f.AddMeanGradient(inputs[i], -alpha[i], gradient);
            }
            gradient[f.NoiseIndex] += 0.5 * trace * f.NoiseVariance;
        }
        return nll;
    }

    /// <summary>The criterion a fit minimizes: negative log marginal likelihood plus negative log hyperpriors.</summary>
    public static double Criterion(CovarianceModel model, double[] theta, IReadOnlyList<GpInput> inputs, double[] y, double[]? gradient)
    {
        var nll = NegLogLikelihood(model, theta, inputs, y, gradient);
        return nll + model.NegLogPrior(theta, gradient);
    }
}
