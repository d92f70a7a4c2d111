using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// 2-D convolution kernels on plain tensors: input x (N×C×H×W), weights W (O×C×k×k), bias b (O), output z (N×O×OH×OW).
/// The naive kernels are loops that mirror the derivation line by line; the fast ones (direct SIMD loops for stride 1,
/// im2col + GEMM otherwise, parallel over the batch) are in lib/Fast/ConvolutionFast.cs. Tests prove both agree.
/// </summary>
/// <remarks>
/// As in every deep-learning library, the forward "convolution" is a cross-correlation (the kernel is not flipped);
/// the flip, rot180(W), appears in the backward pass.
/// </remarks>
public static partial class Convolution
{
    /// <summary>
    /// z[n,o,i,j] = b[o] + Σ_c Σ_u Σ_v x̃[n,c,i·s+u,j·s+v] · W[o,c,u,v], where x̃ is x zero-padded by p and s is the stride.
    /// Writes into <paramref name="output"/> when given (it must be N×O×OH×OW) and returns it.
    /// </summary>
    public static Tensor ForwardNaive(Tensor input, Tensor weights, Tensor bias, int stride = 1, int padding = 0, Tensor? output = null)
    {
        var g = ConvGeometry.Of(input, weights, stride, padding);
        g.RequireBias(bias, nameof(bias));
        Tensor z = g.Output(output);
        Tensor x = Pad(input, padding);
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.OutChannels; o++)
                for (int i = 0; i < g.OutHeight; i++)
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        float sum = bias[o];
                        for (int c = 0; c < g.InChannels; c++)
                            for (int u = 0; u < g.Kernel; u++)
                                for (int v = 0; v < g.Kernel; v++)
                                    sum += x[n, c, i * stride + u, j * stride + v] * weights[o, c, u, v];
                        z[n, o, i, j] = sum;
                    }
        return z;
    }

    /// <summary>The same function as <see cref="ForwardNaive"/>, with SIMD and the batch split across cores (lib/Fast/ConvolutionFast.cs).</summary>
    public static Tensor ForwardFast(Tensor input, Tensor weights, Tensor bias, int stride = 1, int padding = 0, Tensor? output = null) =>
        ConvolutionFast.Forward(input, weights, bias, stride, padding, output);

    /// <summary>The gradients of <see cref="ForwardFast"/> as new tensors; the same values as <see cref="BackwardNaive(Tensor, Tensor, Tensor, int, int)"/>.</summary>
    public static (Tensor DInput, Tensor DWeights, Tensor DBias) BackwardFast(
        Tensor input, Tensor weights, Tensor dOutput, int stride = 1, int padding = 0)
    {
        var g = ConvGeometry.Of(input, weights, stride, padding);
        (Tensor dInput, Tensor dWeights, Tensor dBias) = (g.DInput(null), g.DWeights(null), g.DBias(null));
        ConvolutionFast.Backward(input, weights, dOutput, stride, padding, dInput, dWeights, dBias);
        return (dInput, dWeights, dBias);
    }

    /// <summary>The gradients of the convolution for ∂J/∂z = <paramref name="dOutput"/>, as new tensors (see the accumulating overload for the equations).</summary>
    public static (Tensor DInput, Tensor DWeights, Tensor DBias) BackwardNaive(
        Tensor input, Tensor weights, Tensor dOutput, int stride = 1, int padding = 0)
    {
        var g = ConvGeometry.Of(input, weights, stride, padding);
        (Tensor dInput, Tensor dWeights, Tensor dBias) = (g.DInput(null), g.DWeights(null), g.DBias(null));
        BackwardNaive(input, weights, dOutput, stride, padding, dInput, dWeights, dBias);
        return (dInput, dWeights, dBias);
    }

    /// <summary>
    /// Backpropagates δ = ∂J/∂z: overwrites <paramref name="dInput"/> and adds into <paramref name="dWeights"/> and <paramref name="dBias"/>.
    /// <list type="bullet">
    /// <item>∂J/∂b[o] = Σ_n Σ_i Σ_j δ[n,o,i,j].</item>
    /// <item>∂J/∂W[o,c,u,v] = Σ_n Σ_i Σ_j δ[n,o,i,j] · x̃[n,c,i·s+u,j·s+v]: the valid cross-correlation of the padded input with δ (dilated by the stride).</item>
    /// <item>∂J/∂x = the full convolution of δ with rot180(W): dilate δ by the stride, zero-pad it by k−1, cross-correlate with the rotated kernel,
    /// and drop the p border rows and columns that belong to the padding.</item>
    /// </list>
    /// </summary>
    internal static void BackwardNaive(
        Tensor input, Tensor weights, Tensor dOutput, int stride, int padding, Tensor dInput, Tensor dWeights, Tensor dBias)
    {
        ArgumentNullException.ThrowIfNull(dInput);
        ArgumentNullException.ThrowIfNull(dWeights);
        ArgumentNullException.ThrowIfNull(dBias);
        var g = ConvGeometry.Of(input, weights, stride, padding);
        g.RequireDOutput(dOutput);
        g.DInput(dInput);
        g.DWeights(dWeights);
        g.DBias(dBias);
        int k = g.Kernel;

        // ∂J/∂b = Σ δ
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.OutChannels; o++)
                for (int i = 0; i < g.OutHeight; i++)
                    for (int j = 0; j < g.OutWidth; j++)
                        dBias[o] += dOutput[n, o, i, j];

        // ∂J/∂W = x̃ ⊛ δ
        Tensor x = Pad(input, padding);
        for (int o = 0; o < g.OutChannels; o++)
            for (int c = 0; c < g.InChannels; c++)
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++)
                    {
                        float sum = 0;
                        for (int n = 0; n < g.Batch; n++)
                            for (int i = 0; i < g.OutHeight; i++)
                                for (int j = 0; j < g.OutWidth; j++)
                                    sum += dOutput[n, o, i, j] * x[n, c, i * stride + u, j * stride + v];
                        dWeights[o, c, u, v] += sum;
                    }

        // ∂J/∂x̃ = pad_{k−1}(dilate_s(δ)) ⊛ rot180(W), then crop the padding p: ∂J/∂x[y,x] = ∂J/∂x̃[y+p, x+p].
        Tensor delta = Pad(Dilate(dOutput, stride, ConvArithmetic.OutputSize(g.Height, k, 1, padding), ConvArithmetic.OutputSize(g.Width, k, 1, padding)), k - 1);
        Tensor rotated = Rotate180(weights);
        for (int n = 0; n < g.Batch; n++)
            for (int c = 0; c < g.InChannels; c++)
                for (int y = 0; y < g.Height; y++)
                    for (int xw = 0; xw < g.Width; xw++)
                    {
                        float sum = 0;
                        for (int o = 0; o < g.OutChannels; o++)
                            for (int u = 0; u < k; u++)
                                for (int v = 0; v < k; v++)
                                    sum += delta[n, o, y + padding + u, xw + padding + v] * rotated[o, c, u, v];
                        dInput[n, c, y, xw] = sum;
                    }
    }
}
