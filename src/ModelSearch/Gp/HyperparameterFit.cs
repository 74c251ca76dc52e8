using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace OrleansHpo.ModelSearch.Gp;

/// <summary>
/// Empirical Bayes: minimizes <see cref="GaussianProcess.Criterion"/> over the box-bounded internal hyperparameters
/// with MathNet's bounded quasi-Newton minimizer (BFGS-B, the small-dimension counterpart of SciPy's L-BFGS-B that
/// Syne Tune calls), from the initial values and then from restarts perturbed by N(0, 1) in internal coordinates and
/// clamped to the bounds (<c>bayesopt/gpautograd/optimization_utils.py</c>, <c>apply_lbfgs_with_multiple_starts</c>).
/// A start that throws (line search failure, iteration limit) still contributes the best point it evaluated, as
/// Syne Tune's ExecutorDecorator does. Deterministic: restarts come from the seed only.
/// </summary>
public static class HyperparameterFit
{
    public sealed record Result(double[] Theta, double Criterion, int Evaluations);

    public static Result Fit(CovarianceModel model, IReadOnlyList<GpInput> inputs, double[] y, int starts, int maxIterations, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var rng = new Random(seed);
        var lower = Vector<double>.Build.DenseOfArray(model.Lower);
        var upper = Vector<double>.Build.DenseOfArray(model.Upper);
        double[]? best = null;
        var bestValue = double.PositiveInfinity;
        var evaluations = 0;
        for (var start = 0; start < Math.Max(1, starts); start++)
        {
            var x0 = (double[])model.Initial.Clone();
            if (start > 0)
            {
                for (var i = 0; i < x0.Length; i++)
                {
                    x0[i] = Math.Clamp(x0[i] + GpPosterior.StandardNormal(rng), model.Lower[i], model.Upper[i]);
                }
            }
            var startEvaluations = 0;
            var objective = ObjectiveFunction.Gradient(v =>
            {
                // scipy's L-BFGS-B bounds iterations; MathNet's line search may evaluate many times per iteration, so
                // evaluations are bounded too (3 per allowed iteration), which keeps the fit's cost predictable.
                if (++startEvaluations > 3 * maxIterations)
                {
                    throw new EvaluationBudgetExhausted();
                }
                var theta = v.ToArray();
                var g = new double[theta.Length];
                double value;
                try
                {
                    value = GaussianProcess.Criterion(model, theta, inputs, y, g);
                }
                catch (InvalidOperationException)
                {
                    value = double.MaxValue;
                }
                if (!double.IsFinite(value) || g.Any(d => !double.IsFinite(d)))
                {
                    value = double.MaxValue;
                    Array.Clear(g);
                }
                evaluations++;
                if (value < bestValue)
                {
                    bestValue = value;
                    best = theta;
                }
                return (value, Vector<double>.Build.DenseOfArray(g));
            });
            var minimizer = new BfgsBMinimizer(1e-5, 1e-8, 1e-9, maxIterations);
            try
            {
                minimizer.FindMinimum(objective, lower, upper, Vector<double>.Build.DenseOfArray(x0));
            }
            catch (Exception e) when (e is EvaluationBudgetExhausted or MaximumIterationsException or OptimizationException or ArgumentException or InvalidOperationException)
            {
                // keep the best point seen so far
            }
        }
        return new Result(best ?? (double[])model.Initial.Clone(), bestValue, evaluations);
    }

    private sealed class EvaluationBudgetExhausted : Exception;
}
