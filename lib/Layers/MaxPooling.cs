using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Max-pooling kernels on plain tensors (N×C×H×W). This file holds the naive kernels, loops that mirror the derivation;
/// the fast ones (argmax recorded in the forward pass, parallel over planes) are in lib/Fast/MaxPoolingFast.cs.
/// Ties go to the first maximum in row-major order of the window, in both; a NaN in a window wins (the last one), as in PyTorch.
/// </summary>
public static class MaxPooling
{
    /// <summary>z[n,c,i,j] = max over u,v &lt; window of x[n,c,i·s+u,j·s+v]. Writes into <paramref name="output"/> when given.</summary>
    public static Tensor ForwardNaive(Tensor input, int window, int stride, Tensor? output = null) =>
        PoolGeometry.ForwardNaive(input, window, stride, output, (n, c, top, left) =>
        {
            (int h, int w) = Argmax(input, n, c, top, left, window);
            return input[n, c, h, w];
        });

    /// <summary>
    /// ∂J/∂x: each δ[n,c,i,j] goes to the position of its window's maximum, every other input gets 0
    /// (overlapping windows add up). Overwrites <paramref name="dInput"/> when given and returns it.
    /// </summary>
    public static Tensor BackwardNaive(Tensor input, Tensor dOutput, int window, int stride, Tensor? dInput = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(dOutput);
        var g = PoolGeometry.Of(input.Shape, window, stride);
        g.RequireDOutput(dOutput);
        Tensor dx = g.DInput(dInput).Fill(0f);
        g.ForEachWindow((n, c, i, j) =>
        {
            (int h, int w) = Argmax(input, n, c, i * stride, j * stride, window);
            dx[n, c, h, w] += dOutput[n, c, i, j];
        });
        return dx;
    }

    /// <summary>The row and column of the largest value in the window whose top-left corner is (top, left).</summary>
    private static (int Row, int Column) Argmax(Tensor x, int n, int c, int top, int left, int window)
    {
        (int row, int column) = (top, left);
        for (int u = 0; u < window; u++)
            for (int v = 0; v < window; v++)
            {
                float candidate = x[n, c, top + u, left + v];
                // NaN wins, as in PyTorch: a NaN in the input must not vanish behind a larger number.
                if (candidate > x[n, c, row, column] || float.IsNaN(candidate)) (row, column) = (top + u, left + v);
            }
        return (row, column);
    }
}
