using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Average-pooling kernels on plain tensors (N×C×H×W). This file holds the naive kernels, loops that mirror the derivation;
/// the fast ones (flat loops, parallel over planes) are in lib/Fast/AveragePoolingFast.cs.
/// </summary>
public static class AveragePooling
{
    /// <summary>z[n,c,i,j] = (1/window²) Σ_u Σ_v x[n,c,i·s+u,j·s+v]. Writes into <paramref name="output"/> when given.</summary>
    public static Tensor ForwardNaive(Tensor input, int window, int stride, Tensor? output = null) =>
        PoolGeometry.ForwardNaive(input, window, stride, output, (n, c, top, left) =>
        {
            float sum = 0;
            for (int u = 0; u < window; u++)
                for (int v = 0; v < window; v++)
                    sum += input[n, c, top + u, left + v];
            return sum / (window * window);
        });

    /// <summary>
    /// ∂J/∂x: each δ[n,c,i,j] is spread evenly, δ/window², over the inputs of its window (overlapping windows add up).
    /// Overwrites <paramref name="dInput"/>, whose shape is the input's, and returns it.
    /// </summary>
    public static Tensor BackwardNaive(Tensor dOutput, int window, int stride, Tensor dInput)
    {
        ArgumentNullException.ThrowIfNull(dOutput);
        ArgumentNullException.ThrowIfNull(dInput);
        var g = PoolGeometry.Of(dInput.Shape, window, stride);
        g.RequireDOutput(dOutput);
        dInput.Fill(0f);
        g.ForEachWindow((n, c, i, j) =>
        {
            float share = dOutput[n, c, i, j] / (window * window);
            for (int u = 0; u < window; u++)
                for (int v = 0; v < window; v++)
                    dInput[n, c, i * stride + u, j * stride + v] += share;
        });
        return dInput;
    }
}
