namespace OrleansHpo.ModelSearch.Gp;

/// <summary>
/// MOBSTER's default model <c>gp_multitask</c> with resource kernel <c>exp-decay-sum</c>: one GP over (x, r),
/// k((x, r), (x', r')) = k_x(x, x') + gamma^2 (kappa(r + r') - kappa(r) kappa(r')),
/// mean(x, r) = mu + gamma kappa(r), kappa(r) = (beta / (r + beta))^alpha, beta = alpha / mean_lam,
/// where k_x is Matern 5/2 ARD and r is the resource encoded into (0, 1) as an integer range [r_min, r_max]
/// (Syne Tune: <c>bayesopt/gpautograd/kernel/exponential_decay.py</c> with delta = 0, <c>models/kernel_factory.py</c>,
/// <c>utils/hp_ranges_impl.py</c> <c>decode_extended_features</c>; Tiao et al. 2020, Swersky et al. 2014).
/// Internal vector: [log noise, mu, log c, log ib_1..d, log alpha, log mean_lam, log gamma].
/// </summary>
public sealed class ExpDecayMultiTaskModel : CovarianceModel
{
    private readonly int _d;
    private readonly string[] _names;

    public ExpDecayMultiTaskModel(int dimension, int minResource, int maxResource)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResource, minResource);
        _d = dimension;
        MinResource = minResource;
        MaxResource = maxResource;
        var names = new List<string> { "noise_variance", "mean", "covariance_scale" };
        for (var k = 0; k < dimension; k++)
        {
            names.Add($"inv_bw{k}");
        }
        names.AddRange(["alpha", "mean_lam", "gamma"]);
        _names = [.. names];
        var n = _names.Length;
        Lower = new double[n];
        Upper = new double[n];
        Initial = new double[n];
        Set(0, 1e-9, 1e6, 1e-3, log: true);
        Set(1, -100, 100, 0.0, log: false);
        Set(2, 1e-3, 1e3, 1.0, log: true);
        for (var k = 0; k < dimension; k++)
        {
            Set(3 + k, 1e-4, 100, 1.0, log: true);
        }
        Set(AlphaIndex, 1e-6, 250.0, 1.0, log: true);
        Set(AlphaIndex + 1, 1e-4, 50.0, 0.5, log: true);
        Set(AlphaIndex + 2, 1e-4, 1.0, 0.5, log: true); // gamma in [1e-4 max_metric_value, max_metric_value], max_metric_value = 1
    }

    public int MinResource { get; }

    public int MaxResource { get; }

    public override IReadOnlyList<string> Names => _names;

    public override double[] Lower { get; }

    public override double[] Upper { get; }

    public override double[] Initial { get; }

    private int AlphaIndex => 3 + _d;

    /// <summary>The resource coordinate: (r - r_min + 0.5) / (r_max - r_min + 1).</summary>
    public double EncodeResource(int r) => (r - MinResource + 0.5) / (MaxResource - MinResource + 1.0);

    public override BoundCovariance Bind(double[] theta) => new Bound(this, theta);

    public override double NegLogPrior(double[] theta, double[]? gradient)
    {
        var total = Priors.GammaNegLog(Math.Exp(theta[0]), 0.1, 0.1, out var g0);
        total += Priors.NormalNegLog(theta[1], 0.0, 1.0, out var g1);
        total += Priors.LogNormalNegLog(Math.Exp(theta[2]), 0.0, 1.0, out var g2);
        total += _d * Math.Log(100 - 1e-4); // Uniform(1e-4, 100) on each inverse bandwidth: a constant
        if (gradient is not null)
        {
            gradient[0] += g0;
            gradient[1] += g1;
            gradient[2] += g2;
        }
        return total;
    }

    private void Set(int i, double lower, double upper, double init, bool log)
    {
        if (log)
        {
            // Syne Tune's _wrap_initvals keeps the initial value strictly inside the bounds.
            init = Math.Max(Math.Min(init, upper * 0.999), lower * 1.001);
            Lower[i] = Math.Log(lower);
            Upper[i] = Math.Log(upper);
            Initial[i] = Math.Log(init);
        }
        else
        {
            Lower[i] = lower;
            Upper[i] = upper;
            Initial[i] = init;
        }
    }

    private sealed class Bound : BoundCovariance
    {
        private readonly ExpDecayMultiTaskModel _m;
        private readonly int _d;
        private readonly double _noise;
        private readonly double _mu;
        private readonly double _scale;
        private readonly double[] _ib;
        private readonly double _alpha;
        private readonly double _meanLam;
        private readonly double _gamma;
        private readonly double _beta;
        // kappa and its log-derivatives at the encoded resource sums, indexed by (r - r_min) (single) and by
        // (r1 - r_min) + (r2 - r_min) (pairs): the resource takes only r_max - r_min + 1 values.
        private readonly double[] _kappa1;
        private readonly double[] _dA1;
        private readonly double[] _dL1;
        private readonly double[] _kappa2;
        private readonly double[] _dA2;
        private readonly double[] _dL2;

        public Bound(ExpDecayMultiTaskModel m, double[] theta)
        {
            _m = m;
            _d = m._d;
            _noise = Math.Exp(theta[0]);
            _mu = theta[1];
            _scale = Math.Exp(theta[2]);
            _ib = new double[_d];
            for (var k = 0; k < _d; k++)
            {
                _ib[k] = Math.Exp(theta[3 + k]);
            }
            _alpha = Math.Exp(theta[3 + _d]);
            _meanLam = Math.Exp(theta[4 + _d]);
            _gamma = Math.Exp(theta[5 + _d]);
            _beta = _alpha / _meanLam;
            var levels = m.MaxResource - m.MinResource + 1;
            _kappa1 = new double[levels];
            _dA1 = new double[levels];
            _dL1 = new double[levels];
            for (var i = 0; i < levels; i++)
            {
                Kappa((i + 0.5) / levels, out _kappa1[i], out _dA1[i], out _dL1[i]);
            }
            _kappa2 = new double[(2 * levels) - 1];
            _dA2 = new double[_kappa2.Length];
            _dL2 = new double[_kappa2.Length];
            for (var i = 0; i < _kappa2.Length; i++)
            {
                Kappa((i + 1.0) / levels, out _kappa2[i], out _dA2[i], out _dL2[i]);
            }
        }

        public override double NoiseVariance => _noise;

        public override int NoiseIndex => 0;

        public override double Mean(in GpInput a) => _mu + (_gamma * _kappa1[Index(a.Resource)]);

        public override double Kernel(in GpInput a, in GpInput b)
        {
            var kx = Matern52.Value(a.X, b.X, _ib, _scale);
            int i = Index(a.Resource), j = Index(b.Resource);
            return kx + (_gamma * _gamma * (_kappa2[i + j] - (_kappa1[i] * _kappa1[j])));
        }

        public override void AddMeanGradient(in GpInput a, double weight, double[] gradient)
        {
            var i = Index(a.Resource);
            var gk = _gamma * _kappa1[i];
            gradient[1] += weight;
            gradient[3 + _d] += weight * gk * _dA1[i];
            gradient[4 + _d] += weight * gk * _dL1[i];
            gradient[5 + _d] += weight * gk;
        }

        public override void AddKernelGradient(in GpInput a, in GpInput b, double weight, double[] gradient)
        {
            var dist = Matern52.ScaledSquaredDistance(a.X, b.X, _ib);
            var kx = Matern52.ValueAndDerivative(dist, _scale, out var dkdD);
            gradient[2] += weight * kx;
            var w10 = weight * dkdD * 10.0;
            for (var k = 0; k < _d; k++)
            {
                var t = (a.X[k] - b.X[k]) * _ib[k];
                gradient[3 + k] += w10 * t * t;
            }
            int i = Index(a.Resource), j = Index(b.Resource);
            var g2 = _gamma * _gamma;
            var kr = _kappa2[i + j] - (_kappa1[i] * _kappa1[j]);
            var k1 = _kappa1[i];
            var k2 = _kappa1[j];
            var k12 = _kappa2[i + j];
            // d kappa / d log p = kappa * (d log kappa / d log p)
            var dA = (k12 * _dA2[i + j]) - (k1 * _dA1[i] * k2) - (k1 * k2 * _dA1[j]);
            var dL = (k12 * _dL2[i + j]) - (k1 * _dL1[i] * k2) - (k1 * k2 * _dL1[j]);
            gradient[3 + _d] += weight * g2 * dA;
            gradient[4 + _d] += weight * g2 * dL;
            gradient[5 + _d] += weight * 2.0 * g2 * kr;
        }

        private int Index(int resource) => Math.Clamp(resource, _m.MinResource, _m.MaxResource) - _m.MinResource;

        /// <summary>kappa(r), d log kappa / d log alpha, d log kappa / d log mean_lam.</summary>
        private void Kappa(double r, out double kappa, out double dLogAlpha, out double dLogMeanLam)
        {
            var ratio = _beta / (r + _beta);
            kappa = Math.Pow(ratio, _alpha);
            dLogAlpha = _alpha * (Math.Log(ratio) + (r / (r + _beta)));
            dLogMeanLam = -_alpha * r / (r + _beta);
        }
    }
}
