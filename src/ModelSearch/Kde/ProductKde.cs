namespace OrleansHpo.ModelSearch.Kde;

/// <summary>
/// A product-kernel density estimate as statsmodels' <c>KDEMultivariate</c> with <c>bw="normal_reference"</c>, which
/// Syne Tune's BOHB uses: bandwidth h_k = 1.06 std_k n^(-1/(4 + d)) (population std), clipped below at the minimum
/// bandwidth; pdf(x) = (1/n) sum_i prod_k K_k(x_k, x_ik), with K = N(0,1) density of (x - x_i)/h, divided by h, for
/// continuous coordinates and Aitchison-Aitken (1 - h if equal, else h / (levels - 1)) for unordered ones.
/// </summary>
public sealed class ProductKde
{
    private const double InvSqrt2Pi = 0.39894228040143267794;

    public ProductKde(IReadOnlyList<double[]> data, IReadOnlyList<KdeVariable> variables, double minBandwidth)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(variables);
        if (data.Count == 0)
        {
            throw new ArgumentException("a KDE needs data", nameof(data));
        }
        Data = data;
        Variables = variables;
        var d = variables.Count;
        var n = data.Count;
        Bandwidths = new double[d];
        for (var k = 0; k < d; k++)
        {
            var mean = 0.0;
            for (var i = 0; i < n; i++)
            {
                mean += data[i][k];
            }
            mean /= n;
            var ss = 0.0;
            for (var i = 0; i < n; i++)
            {
                ss += (data[i][k] - mean) * (data[i][k] - mean);
            }
            var std = Math.Sqrt(ss / n);
            Bandwidths[k] = Math.Max(1.06 * std * Math.Pow(n, -1.0 / (4 + d)), minBandwidth);
        }
    }

    public IReadOnlyList<double[]> Data { get; }

    public IReadOnlyList<KdeVariable> Variables { get; }

    public double[] Bandwidths { get; }

    public double Pdf(ReadOnlySpan<double> x)
    {
        var sum = 0.0;
        foreach (var row in Data)
        {
            var p = 1.0;
            for (var k = 0; k < Variables.Count; k++)
            {
                var h = Bandwidths[k];
                if (Variables[k].Continuous)
                {
                    var u = (x[k] - row[k]) / h;
                    p *= InvSqrt2Pi * Math.Exp(-0.5 * u * u) / h;
                }
                else
                {
                    var levels = Variables[k].Levels;
                    p *= x[k] == row[k] ? 1.0 - h : levels > 1 ? h / (levels - 1) : 0.0;
                }
            }
            sum += p;
        }
        return sum / Data.Count;
    }
}
