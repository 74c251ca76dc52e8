using System.Numerics;

namespace OrleansHpo.ModelSearch.Gp;

/// <summary>
/// Cholesky factor and inverse of a symmetric positive definite matrix, row-major, with contiguous SIMD dot products:
/// the inner loop of the marginal likelihood gradient, which needs K^-1 at every evaluation. K = L L^T;
/// Y = (L^-1)^T is built row by row; K^-1 = Y Y^T. About n^3 flops in all.
/// </summary>
internal static class SpdInverse
{
    /// <summary>Factorizes <paramref name="a"/> (n x n, row-major, lower triangle read) in place; false when not positive definite.</summary>
    public static bool Cholesky(double[] a, int n)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = a.AsSpan(j * n, j);
            var s = a[(j * n) + j] - Dot(rowJ, rowJ);
            if (!(s > 0) || !double.IsFinite(s))
            {
                return false;
            }
            var ljj = Math.Sqrt(s);
            a[(j * n) + j] = ljj;
            for (var i = j + 1; i < n; i++)
            {
                a[(i * n) + j] = (a[(i * n) + j] - Dot(a.AsSpan(i * n, j), rowJ)) / ljj;
            }
        }
        return true;
    }

    /// <summary>K^-1 (full, row-major) from the Cholesky factor <paramref name="l"/> (lower, row-major).</summary>
    public static double[] InverseFromCholesky(double[] l, int n)
    {
        // y[j, i] = (L^-1)[i, j] for i >= j: rows of y hold columns of L^-1, so both dot operands are contiguous.
        var y = new double[n * n];
        for (var j = 0; j < n; j++)
        {
            y[(j * n) + j] = 1.0 / l[(j * n) + j];
            for (var i = j + 1; i < n; i++)
            {
                var s = Dot(l.AsSpan((i * n) + j, i - j), y.AsSpan((j * n) + j, i - j));
                y[(j * n) + i] = -s / l[(i * n) + i];
            }
        }
        var inv = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                // (K^-1)[i, j] = sum_k (L^-1)[k, i] (L^-1)[k, j], k >= max(i, j) = i
                var v = Dot(y.AsSpan((i * n) + i, n - i), y.AsSpan((j * n) + i, n - i));
                inv[(i * n) + j] = v;
                inv[(j * n) + i] = v;
            }
        }
        return inv;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var i = 0;
        var sum = 0.0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<double>.Count * 2)
        {
            var acc = Vector<double>.Zero;
            var width = Vector<double>.Count;
            for (; i <= a.Length - width; i += width)
            {
                acc += new Vector<double>(a.Slice(i, width)) * new Vector<double>(b.Slice(i, width));
            }
            sum = Vector.Dot(acc, Vector<double>.One);
        }
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
