using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

/// <summary>
/// Stride-1 convolution of one sample as a matrix product over shifted views of the image, with no im2col copy.
/// </summary>
/// <remarks>
/// Lay each output plane out in rows as wide as the (already padded) input, W, instead of OW: the output element at flat
/// position t = i·W + j of filter o is Σ_c Σ_u Σ_v w[o,c,u,v] · x[c·H·W + u·W + v + t]. So row (c,u,v) of the im2col
/// matrix is the input itself read from offset c·H·W + u·W + v, and the convolution is the product
/// Z_wide (O × L) = W (O × C·k·k) · X_shifted (C·k·k × L), L = (OH−1)·W + OW, whose right-hand rows are views, not copies.
/// The k−1 extra columns per row (j ≥ OW) wrap into the next row; they are computed and dropped when the rows are
/// compacted. ∂J/∂W is the transposed product δ_wide · X_shiftedᵀ, with δ widened by zeros in those columns so the
/// wrapped terms vanish. The products run on register tiles of 3 or 4 rows × 4 or 3 vectors (12 accumulators): every load
/// of the image feeds 3–4 filters and every broadcast weight feeds 3–4 vectors.
/// </remarks>
internal static partial class DirectConvolution
{
    private const int Lanes = 8; // floats per Vector256

    /// <summary>
    /// out (O×OH×OW) = bias + valid cross-correlation of x (C×H×W) with w (O×C×k×k), OH = H−k+1, OW = W−k+1.
    /// An empty <paramref name="bias"/> means zero. Scratch: <paramref name="wide"/> of O·OH·W floats, <paramref name="offsets"/> of C·k·k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Correlate(ReadOnlySpan<float> x, int channels, int height, int width,
        ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int outChannels, int k, Span<float> output, Span<float> wide, Span<int> offsets)
    {
        int oh = ConvArithmetic.OutputSize(height, k, stride: 1), ow = ConvArithmetic.OutputSize(width, k, stride: 1);
        int length = (oh - 1) * width + ow, wideRow = oh * width;
        _ = x[channels * height * width - 1];
        _ = w[outChannels * channels * k * k - 1];
        _ = output[outChannels * oh * ow - 1];
        offsets = Offsets(channels, height, width, k, offsets);
        if (ow == width) // k = 1: the wide layout is the output itself
        {
            ShiftedProduct(w, bias, x, offsets, output, outChannels, length, wideRow);
            return;
        }
        wide = wide[..(outChannels * wideRow)];
        ShiftedProduct(w, bias, x, offsets, wide, outChannels, length, wideRow);
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < oh; i++)
                wide.Slice(o * wideRow + i * width, ow).CopyTo(output.Slice((o * oh + i) * ow, ow));
    }

    /// <summary>δ (O×OH×OW) into rows as wide as the input, plane stride <paramref name="stride"/>, zeros everywhere else.</summary>
    private static void WidenInto(ReadOnlySpan<float> delta, int outChannels, int oh, int ow, int width, int stride, Span<float> wide)
    {
        wide.Clear();
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < oh; i++)
                delta.Slice((o * oh + i) * ow, ow).CopyTo(wide.Slice(o * stride + i * width, ow));
    }

    /// <summary>The start of row (c,u,v) of the shifted im2col matrix, c·H·W + u·W + v, written into <paramref name="scratch"/>.</summary>
    internal static Span<int> Offsets(int channels, int height, int width, int k, Span<int> scratch)
    {
        Span<int> offsets = scratch[..(channels * k * k)];
        int p = 0;
        for (int c = 0; c < channels; c++)
            for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++) offsets[p++] = (c * height + u) * width + v;
        return offsets;
    }
}
