using MathNet.Numerics.LinearAlgebra;

namespace OrleansHpo.ModelSearch.Gp;

/// <summary>
/// The posterior of a GP given inputs and one or more target columns (several columns: the observed targets
/// completed by fantasy samples at pending inputs, as in Syne Tune's <c>posterior_state.py</c>). All columns share
/// the posterior variance; each has its own mean.
/// </summary>
public sealed class GpPosterior
{
    /// <summary>MIN_POSTERIOR_VARIANCE of Syne Tune's <c>gpautograd/constants.py</c>.</summary>
    public const double MinVariance = 1e-12;

    private readonly BoundCovariance _f;
    private readonly GpInput[] _inputs;
    private readonly double[] _l; // Cholesky factor, row-major n x n
    private readonly double[] _alpha; // n x S, row-major
    private readonly int _samples;

    /// <summary>Factorizes K + noise I at <paramref name="theta"/>; <paramref name="targets"/> is n x S, one column per target sample.</summary>
    public GpPosterior(CovarianceModel model, double[] theta, IReadOnlyList<GpInput> inputs, Matrix<double> targets)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(targets);
        _f = model.Bind(theta);
        _inputs = [.. inputs];
        var chol = GaussianProcess.Factor(GaussianProcess.KernelMatrix(_f, _inputs));
        var centred = targets.Clone();
        for (var i = 0; i < _inputs.Length; i++)
        {
            var m = _f.Mean(_inputs[i]);
            for (var s = 0; s < centred.ColumnCount; s++)
            {
                centred[i, s] -= m;
            }
        }
        var alpha = chol.Solve(centred);
        _samples = alpha.ColumnCount;
        _alpha = alpha.ToRowMajorArray();
        _l = chol.Factor.ToRowMajorArray();
    }

    public int Samples => _samples;

    /// <summary>Posterior means (one per target column, written into <paramref name="means"/>) and the variance at <paramref name="x"/>.</summary>
    public double Predict(in GpInput x, Span<double> means)
    {
        var n = _inputs.Length;
        var kstar = new double[n];
        for (var i = 0; i < n; i++)
        {
            kstar[i] = _f.Kernel(_inputs[i], x);
        }
        var m0 = _f.Mean(x);
        for (var s = 0; s < _samples; s++)
        {
            means[s] = m0;
        }
        for (var i = 0; i < n; i++)
        {
            var k = kstar[i];
            var row = i * _samples;
            for (var s = 0; s < _samples; s++)
            {
                means[s] += k * _alpha[row + s];
            }
        }
        var v = ForwardSolve(kstar);
        var vv = 0.0;
        for (var i = 0; i < n; i++)
        {
            vv += v[i] * v[i];
        }
        return Math.Max(_f.Kernel(x, x) - vv, MinVariance);
    }

    /// <summary>
    /// Joint posterior samples of the noisy targets at <paramref name="xs"/> (one column per sample), computed from
    /// the first target column: mean + chol(Sigma + noise I) z with z standard normal from <paramref name="rng"/>.
    /// </summary>
    public Matrix<double> SampleTargets(IReadOnlyList<GpInput> xs, int samples, Random rng)
    {
        var p = xs.Count;
        var mean = new double[p];
        var means = new double[_samples];
        var v = new double[p][];
        for (var j = 0; j < p; j++)
        {
            Predict(xs[j], means);
            mean[j] = means[0];
            var kstar = new double[_inputs.Length];
            for (var i = 0; i < _inputs.Length; i++)
            {
                kstar[i] = _f.Kernel(_inputs[i], xs[j]);
            }
            v[j] = ForwardSolve(kstar);
        }
        var cov = Matrix<double>.Build.Dense(p, p);
        for (var a = 0; a < p; a++)
        {
            for (var b = 0; b <= a; b++)
            {
                var dot = 0.0;
                for (var i = 0; i < _inputs.Length; i++)
                {
                    dot += v[a][i] * v[b][i];
                }
                var c = _f.Kernel(xs[a], xs[b]) - dot;
                cov[a, b] = c;
                cov[b, a] = c;
            }
            cov[a, a] += _f.NoiseVariance;
        }
        var l = GaussianProcess.Factor(cov).Factor;
        var result = Matrix<double>.Build.Dense(p, samples);
        var z = new double[p];
        for (var s = 0; s < samples; s++)
        {
            for (var a = 0; a < p; a++)
            {
                z[a] = StandardNormal(rng);
            }
            for (var a = 0; a < p; a++)
            {
                var acc = mean[a];
                for (var b = 0; b <= a; b++)
                {
                    acc += l[a, b] * z[b];
                }
                result[a, s] = acc;
            }
        }
        return result;
    }

    /// <summary>A standard normal draw (Box-Muller on two uniforms of <paramref name="rng"/>).</summary>
    public static double StandardNormal(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private double[] ForwardSolve(double[] b)
    {
        var n = b.Length;
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            var row = i * n;
            x[i] = (b[i] - SpdInverse.Dot(_l.AsSpan(row, i), x.AsSpan(0, i))) / _l[row + i];
        }
        return x;
    }
}
