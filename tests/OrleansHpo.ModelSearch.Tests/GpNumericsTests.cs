using MathNet.Numerics.LinearAlgebra;
using OrleansHpo.ModelSearch.Acquisition;
using OrleansHpo.ModelSearch.Gp;

namespace OrleansHpo.ModelSearch.Tests;

/// <summary>
/// GP numerics against an independent calculation: the expected values come from a plain-Python script that builds
/// the kernel from its formula (Syne Tune's Matern 5/2 and exp-decay-sum), inverts K by Gauss-Jordan and takes the
/// determinant by elimination (no Cholesky). Tolerance 1e-9 absolute unless stated.
/// </summary>
public sealed class GpNumericsTests
{
    private const double Tol = 1e-9;

    // noise 0.01, mu 0.2, c 1.3, ib (0.8, 1.7), alpha 1.2, mean_lam 0.6, gamma 0.7; resources in [1, 9]
    private static readonly double[] Theta =
        [Math.Log(0.01), 0.2, Math.Log(1.3), Math.Log(0.8), Math.Log(1.7), Math.Log(1.2), Math.Log(0.6), Math.Log(0.7)];

    private static readonly GpInput[] Inputs = [new([0.1, 0.2], 1), new([0.1, 0.2], 3), new([0.7, 0.4], 1)];
    private static readonly double[] Y = [0.5, -0.3, 1.1];

    [Fact]
    public void Matern52_matches_the_formula_on_a_hand_case()
    {
        Assert.Equal(0.9162722657676775, Matern52.Value([0, 0], [0.3, 0.4], [1, 2], 1.5), Tol);
    }

    [Fact]
    public void ExpDecaySum_kernel_matches_hand_calculation()
    {
        var model = new ExpDecayMultiTaskModel(2, 1, 9);
        var f = model.Bind(Theta);
        Assert.Equal(1.301610208573055, f.Kernel(Inputs[0], Inputs[1]), Tol);
        // symmetric; zero resource part when one resource kernel factor vanishes is not assumed
        Assert.Equal(f.Kernel(Inputs[1], Inputs[0]), f.Kernel(Inputs[0], Inputs[1]), 15);
    }

    [Fact]
    public void Marginal_likelihood_matches_hand_calculation()
    {
        var model = new ExpDecayMultiTaskModel(2, 1, 9);
        Assert.Equal(12.390364813303513, GaussianProcess.NegLogLikelihood(model, Theta, Inputs, Y, null), 1e-8);
    }

    [Fact]
    public void Posterior_mean_and_variance_match_hand_calculation()
    {
        var model = new ExpDecayMultiTaskModel(2, 1, 9);
        var posterior = new GpPosterior(model, Theta, Inputs, Matrix<double>.Build.DenseOfColumnArrays(Y));
        var means = new double[1];
        var variance = posterior.Predict(new GpInput([0.4, 0.9], 9), means);
        Assert.Equal(0.588109843120572, means[0], 1e-8);
        Assert.Equal(0.8594637947562874, variance, 1e-8);
    }

    public static TheoryData<string, int> GradientCases => new() { { "gp_multitask", 1 }, { "gp_multitask", 2 }, { "gp_independent", 3 }, { "gp_independent", 4 } };

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Criterion_gradient_matches_central_finite_differences(string kind, int seed)
    {
        var rng = new Random(seed);
        const int d = 3;
        var inputs = new List<GpInput>();
        var y = new List<double>();
        int[] levels = [1, 3, 9];
        for (var i = 0; i < 12; i++)
        {
            var x = new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() };
            var r = levels[i % 3];
            inputs.Add(new GpInput(x, r));
            y.Add(Math.Sin(3 * x[0]) + x[1] - (0.3 / r) + (0.05 * rng.NextDouble()));
        }
        CovarianceModel model = kind == "gp_multitask" ? new ExpDecayMultiTaskModel(d, 1, 9) : new IndependentLevelsModel(d, levels);
        var theta = new double[model.Count];
        for (var i = 0; i < theta.Length; i++)
        {
            // a point inside the bounds, away from the initial values
            theta[i] = model.Initial[i] + (0.3 * (rng.NextDouble() - 0.5));
        }
        theta[0] = Math.Log(0.05); // noise large enough that K is well conditioned
        var g = new double[theta.Length];
        GaussianProcess.Criterion(model, theta, inputs, [.. y], g);
        for (var i = 0; i < theta.Length; i++)
        {
            const double h = 1e-5;
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            var fd = (GaussianProcess.Criterion(model, plus, inputs, [.. y], null) - GaussianProcess.Criterion(model, minus, inputs, [.. y], null)) / (2 * h);
            Assert.True(Math.Abs(fd - g[i]) <= 1e-5 * Math.Max(1.0, Math.Abs(fd)), $"{model.Names[i]}: analytic {g[i]}, finite difference {fd}");
        }
    }

    [Fact]
    public void Priors_are_Syne_Tunes_negative_log_densities()
    {
        // Gamma(mean 0.1, alpha 0.1): (1 - a) log x + b x + lgamma(a) - a log b, b = 1
        var gamma = Priors.GammaNegLog(0.5, 0.1, 0.1, out _);
        Assert.Equal((0.9 * Math.Log(0.5)) + 0.5 + MathNet.Numerics.SpecialFunctions.GammaLn(0.1), gamma, 1e-12);
        // LogNormal(0, 1): log x + (log x)^2 / 2
        Assert.Equal(Math.Log(2.0) + (0.5 * Math.Log(2.0) * Math.Log(2.0)), Priors.LogNormalNegLog(2.0, 0, 1, out _), 1e-12);
    }

    [Fact]
    public void Fit_improves_the_criterion_and_is_deterministic()
    {
        var rng = new Random(7);
        var inputs = new List<GpInput>();
        var y = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var x = new[] { rng.NextDouble(), rng.NextDouble() };
            var r = (i % 3) + 1;
            inputs.Add(new GpInput(x, r));
            y.Add((x[0] - 0.3) * (x[0] - 0.3) * 4 + (0.5 / r));
        }
        var model = new ExpDecayMultiTaskModel(2, 1, 3);
        var initial = GaussianProcess.Criterion(model, model.Initial, inputs, [.. y], null);
        var a = HyperparameterFit.Fit(model, inputs, [.. y], 2, 50, 11);
        var b = HyperparameterFit.Fit(model, inputs, [.. y], 2, 50, 11);
        Assert.True(a.Criterion < initial - 1.0, $"fit {a.Criterion} vs initial {initial}");
        Assert.Equal(a.Theta, b.Theta);
        for (var i = 0; i < a.Theta.Length; i++)
        {
            Assert.InRange(a.Theta[i], model.Lower[i], model.Upper[i]);
        }
    }

    [Theory]
    [InlineData(0.0, 1.0, 0.5)]
    [InlineData(1.2, 0.3, 0.4)]
    [InlineData(-0.5, 2.0, 0.0)]
    public void Expected_improvement_matches_closed_form_and_numerical_integration(double mean, double std, double best)
    {
        const double jitter = 0.01;
        var z = (best - jitter - mean) / std;
        var phi = Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
        var cdf = MathNet.Numerics.Distributions.Normal.CDF(0, 1, z);
        var closed = ((best - jitter - mean) * cdf) + (std * phi);
        Assert.Equal(closed, ExpectedImprovement.Value(mean, std, best, jitter), 1e-12);
        // E[max(best - jitter - Y, 0)], Y ~ N(mean, std^2), by the trapezoid rule on +-12 std
        var integral = 0.0;
        const int steps = 200_000;
        var lo = mean - (12 * std);
        var dy = 24 * std / steps;
        for (var i = 0; i <= steps; i++)
        {
            var yv = lo + (i * dy);
            var w = i == 0 || i == steps ? 0.5 : 1.0;
            var density = Math.Exp(-0.5 * ((yv - mean) / std) * ((yv - mean) / std)) / (std * Math.Sqrt(2 * Math.PI));
            integral += w * Math.Max(best - jitter - yv, 0) * density * dy;
        }
        Assert.Equal(integral, ExpectedImprovement.Value(mean, std, best, jitter), 1e-7);
    }

    [Fact]
    public void Fantasy_samples_have_the_posterior_mean_and_variance()
    {
        var model = new ExpDecayMultiTaskModel(2, 1, 9);
        var posterior = new GpPosterior(model, Theta, Inputs, Matrix<double>.Build.DenseOfColumnArrays(Y));
        var x = new GpInput([0.4, 0.9], 9);
        var means = new double[1];
        var variance = posterior.Predict(x, means) + 0.01; // targets are noisy
        var samples = posterior.SampleTargets([x], 20000, new Random(3));
        var row = samples.Row(0);
        var sampleMean = row.Average();
        var sampleVar = row.Select(v => (v - sampleMean) * (v - sampleMean)).Sum() / (row.Count - 1);
        // 20000 samples: standard error of the mean ~ 0.0066, of the variance ~ 0.0087
        Assert.Equal(means[0], sampleMean, 0.03);
        Assert.Equal(variance, sampleVar, 0.04);
    }
}
