namespace OrleansHpo.ModelSearch.Gp;

/// <summary>
/// The <c>gp_independent</c> option: an independent GP per resource level (rung), sharing the Matern 5/2 ARD
/// inverse bandwidths and the noise variance, each level with its own constant mean and covariance scale
/// (Syne Tune: <c>bayesopt/gpautograd/independent/</c>). Observations at different levels are uncorrelated.
/// Internal vector: [log noise, log ib_1..d, then (mu_l, log c_l) for each level in ascending order].
/// </summary>
public sealed class IndependentLevelsModel : CovarianceModel
{
    private readonly int _d;
    private readonly int[] _levels;
    private readonly string[] _names;

    public IndependentLevelsModel(int dimension, IReadOnlyList<int> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        _d = dimension;
        _levels = [.. levels.Distinct().Order()];
        var names = new List<string> { "noise_variance" };
        for (var k = 0; k < dimension; k++)
        {
            names.Add($"inv_bw{k}");
        }
        foreach (var l in _levels)
        {
            names.Add($"mean_r{l}");
            names.Add($"covariance_scale_r{l}");
        }
        _names = [.. names];
        Lower = new double[_names.Length];
        Upper = new double[_names.Length];
        Initial = new double[_names.Length];
        (Lower[0], Upper[0], Initial[0]) = (Math.Log(1e-9), Math.Log(1e6), Math.Log(1e-3));
        for (var k = 0; k < dimension; k++)
        {
            (Lower[1 + k], Upper[1 + k], Initial[1 + k]) = (Math.Log(1e-4), Math.Log(100), 0.0);
        }
        for (var l = 0; l < _levels.Length; l++)
        {
            var i = 1 + dimension + (2 * l);
            (Lower[i], Upper[i], Initial[i]) = (-100, 100, 0.0);
            (Lower[i + 1], Upper[i + 1], Initial[i + 1]) = (Math.Log(1e-3), Math.Log(1e3), 0.0);
        }
    }

    public override IReadOnlyList<string> Names => _names;

    public override double[] Lower { get; }

    public override double[] Upper { get; }

    public override double[] Initial { get; }

    public override BoundCovariance Bind(double[] theta) => new Bound(this, theta);

    public override double NegLogPrior(double[] theta, double[]? gradient)
    {
        var total = Priors.GammaNegLog(Math.Exp(theta[0]), 0.1, 0.1, out var g0);
        total += _d * Math.Log(100 - 1e-4);
        if (gradient is not null)
        {
            gradient[0] += g0;
        }
        for (var l = 0; l < _levels.Length; l++)
        {
            var i = 1 + _d + (2 * l);
            total += Priors.NormalNegLog(theta[i], 0.0, 1.0, out var gm);
            total += Priors.LogNormalNegLog(Math.Exp(theta[i + 1]), 0.0, 1.0, out var gc);
            if (gradient is not null)
            {
                gradient[i] += gm;
                gradient[i + 1] += gc;
            }
        }
        return total;
    }

    private int LevelIndex(int resource)
    {
        var i = Array.BinarySearch(_levels, resource);
        if (i < 0)
        {
            throw new ArgumentException($"resource {resource} is not one of the model's levels ({string.Join(", ", _levels)})");
        }
        return i;
    }

    private sealed class Bound : BoundCovariance
    {
        private readonly IndependentLevelsModel _m;
        private readonly double[] _ib;
        private readonly double[] _theta;

        public Bound(IndependentLevelsModel m, double[] theta)
        {
            _m = m;
            _theta = theta;
            _ib = new double[m._d];
            for (var k = 0; k < m._d; k++)
            {
                _ib[k] = Math.Exp(theta[1 + k]);
            }
            NoiseVariance = Math.Exp(theta[0]);
        }

        public override double NoiseVariance { get; }

        public override int NoiseIndex => 0;

        public override double Mean(in GpInput a) => _theta[1 + _m._d + (2 * _m.LevelIndex(a.Resource))];

        public override double Kernel(in GpInput a, in GpInput b)
        {
            if (a.Resource != b.Resource)
            {
                return 0.0;
            }
            var l = _m.LevelIndex(a.Resource);
            return Matern52.Value(a.X, b.X, _ib, Math.Exp(_theta[2 + _m._d + (2 * l)]));
        }

        public override void AddMeanGradient(in GpInput a, double weight, double[] gradient) =>
            gradient[1 + _m._d + (2 * _m.LevelIndex(a.Resource))] += weight;

        public override void AddKernelGradient(in GpInput a, in GpInput b, double weight, double[] gradient)
        {
            if (a.Resource != b.Resource)
            {
                return;
            }
            var ci = 2 + _m._d + (2 * _m.LevelIndex(a.Resource));
            var dist = Matern52.ScaledSquaredDistance(a.X, b.X, _ib);
            var k = Matern52.ValueAndDerivative(dist, Math.Exp(_theta[ci]), out var dkdD);
            gradient[ci] += weight * k;
            var w10 = weight * dkdD * 10.0;
            for (var j = 0; j < _m._d; j++)
            {
                var t = (a.X[j] - b.X[j]) * _ib[j];
                gradient[1 + j] += w10 * t * t;
            }
        }
    }
}
