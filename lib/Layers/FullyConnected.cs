using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// The naive kernels of <see cref="Dense"/>, loops that mirror the derivation: input x (N×D), weights W (K×D), bias b (K),
/// output z (N×K). The fast ones (register-tiled matrix products, split across cores) are in lib/Fast/DensePass.cs;
/// tests prove both agree.
/// </summary>
public static class FullyConnected
{
    /// <summary>z[n,k] = b[k] + Σ_d x[n,d] · W[k,d], that is z = x·Wᵀ + b. Writes into <paramref name="output"/> when given.</summary>
    public static Tensor ForwardNaive(Tensor input, Tensor weights, Tensor bias, Tensor? output = null)
    {
        (int n, int d, int k) = Sizes(input, weights, bias);
        Tensor z = output ?? new Tensor(n, k);
        Require(z, "output", n, k);
        for (int s = 0; s < n; s++)
            for (int o = 0; o < k; o++)
            {
                float sum = bias[o];
                for (int i = 0; i < d; i++) sum += input[s, i] * weights[o, i];
                z[s, o] = sum;
            }
        return z;
    }

    /// <summary>
    /// Backpropagates δ = ∂J/∂z (N×K): adds into <paramref name="dWeights"/> and <paramref name="dBias"/>, and overwrites
    /// <paramref name="dInput"/> unless it is null.
    /// <list type="bullet">
    /// <item>∂J/∂W[k,d] = Σ_n δ[n,k] · x[n,d], that is ∂J/∂W = δᵀx.</item>
    /// <item>∂J/∂b[k] = Σ_n δ[n,k].</item>
    /// <item>∂J/∂x[n,d] = Σ_k δ[n,k] · W[k,d], that is ∂J/∂x = δ·W.</item>
    /// </list>
    /// </summary>
    public static void BackwardNaive(Tensor input, Tensor weights, Tensor dOutput, Tensor? dInput, Tensor dWeights, Tensor dBias)
    {
        ArgumentNullException.ThrowIfNull(dWeights);
        ArgumentNullException.ThrowIfNull(dBias);
        (int n, int d, int k) = Sizes(input, weights, dBias);
        Require(dOutput, nameof(dOutput), n, k);
        Require(dWeights, nameof(dWeights), k, d);
        if (dInput is not null) Require(dInput, nameof(dInput), n, d);

        // ∂J/∂b = Σₙ δₙ
        for (int s = 0; s < n; s++)
            for (int o = 0; o < k; o++)
                dBias[o] += dOutput[s, o];

        // ∂J/∂W = δᵀx
        for (int o = 0; o < k; o++)
            for (int i = 0; i < d; i++)
            {
                float sum = 0;
                for (int s = 0; s < n; s++) sum += dOutput[s, o] * input[s, i];
                dWeights[o, i] += sum;
            }

        if (dInput is null) return;
        // ∂J/∂x = δ·W
        for (int s = 0; s < n; s++)
            for (int i = 0; i < d; i++)
            {
                float sum = 0;
                for (int o = 0; o < k; o++) sum += dOutput[s, o] * weights[o, i];
                dInput[s, i] = sum;
            }
    }

    private static (int N, int D, int K) Sizes(Tensor input, Tensor weights, Tensor bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (input.Rank != 2)
            throw new ShapeMismatchException("FullyConnected", "N×D (one row of D features per sample)", input.Shape,
                "Flatten images first: input.Reshape(input.Dim(0), -1) turns N×C×H×W into N×(C·H·W).");
        int n = input.Dim(0), d = input.Dim(1);
        if (weights.Rank != 2 || weights.Dim(1) != d)
            throw new ShapeMismatchException("FullyConnected (weights)", $"K×{d} (one row of {d} weights per output)", weights.Shape,
                $"The input has {d} features per sample, so each row of W needs {d} weights.");
        int k = weights.Dim(0);
        if (bias.Rank != 1 || bias.Length != k)
            throw new ShapeMismatchException("FullyConnected (bias)", $"{k} (one per output)", bias.Shape, $"W has {k} rows, so b needs {k} values.");
        return (n, d, k);
    }

    private static void Require(Tensor t, string name, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.Rank != 2 || t.Dim(0) != rows || t.Dim(1) != columns)
            throw new ShapeMismatchException($"FullyConnected ({name})", $"{rows}×{columns}", t.Shape,
                $"{name} must match the shapes of the input and the weights.");
    }
}
