using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CnnFromScratch.Fast;

/// <summary>
/// Stride-1 convolution of one sample computed straight from the image, without an im2col copy. With few channels and
/// small kernels (the course network: 1 input channel, 2 filters of 5×5) copying patches into a matrix costs as much as
/// the arithmetic, while here every multiply-add reads the input where it already is.
/// </summary>
/// <remarks>
/// The input planes are already zero-padded (the caller copies them into scratch when the layer pads), so all loops are
/// "valid" convolutions: out[o, i, j] = Σ_c Σ_u Σ_v x[c, i+u, j+v] · w[o, c, u, v]. The forward pass, and ∂J/∂x as the
/// forward pass of the padded δ with the rotated kernels, run <see cref="Correlate"/>; ∂J/∂W runs <see cref="AddWeightGradient"/>.
/// Rows narrower than one vector (8 floats) take plain loops.
/// </remarks>
internal static class DirectConvolution
{
    private const int Lanes = 8; // floats per Vector256

    /// <summary>
    /// out (O×OH×OW) = bias + valid cross-correlation of x (C×H×W) with w (O×C×k×k), OH = H−k+1, OW = W−k+1.
    /// An empty <paramref name="bias"/> means zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Correlate(ReadOnlySpan<float> x, int channels, int height, int width,
        ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int outChannels, int k, Span<float> output)
    {
        int oh = height - k + 1, ow = width - k + 1;
        // One bounds check each, up front: the loops below index through refs.
        _ = x[channels * height * width - 1];
        _ = w[outChannels * channels * k * k - 1];
        _ = output[outChannels * oh * ow - 1];
        if (ow < Lanes || !Vector256.IsHardwareAccelerated)
        {
            CorrelateScalar(x, channels, height, width, w, bias, outChannels, k, output);
            return;
        }
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float zr = ref MemoryMarshal.GetReference(output);
        int o = 0;
        // Two filters at a time share every input load: 3 vectors × 2 filters = 6 independent multiply-add chains.
        for (; o + 1 < outChannels; o += 2)
        {
            float b0 = bias.IsEmpty ? 0f : bias[o], b1 = bias.IsEmpty ? 0f : bias[o + 1];
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j += 3 * Lanes)
                    PairRow(ref xr, channels, height, width, ref wr, k, o, b0, b1, ref zr, oh, ow, i, j);
        }
        // A last single filter: 4 vectors = 4 chains.
        for (; o < outChannels; o++)
        {
            float b = bias.IsEmpty ? 0f : bias[o];
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j += 4 * Lanes)
                    SingleRow(ref xr, channels, height, width, ref wr, k, o, b, ref zr, oh, ow, i, j);
        }
    }

    /// <summary>
    /// dW (O×C×k×k) += Σ_i Σ_j δ[o, i, j] · x[c, i+u, j+v] for one sample: x is C×H×W (padded), δ is O×OH×OW.
    /// <paramref name="wideDelta"/> is scratch of O·OH·W floats.
    /// </summary>
    /// <remarks>
    /// δ is first copied into rows as wide as the input, with zeros in the k−1 extra columns. Then, for every (o, c, u, v),
    /// the sum over the OH×OW window is one contiguous dot product: the input plane read from offset u·W + v against the wide δ,
    /// OH·W − (k−1) long, and the zero columns cancel the terms that wrap around into the next row. That trades k−1 wasted
    /// columns per row for long SIMD loops with no per-row overhead; four shifts v share each load of δ.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddWeightGradient(ReadOnlySpan<float> x, int channels, int height, int width,
        ReadOnlySpan<float> delta, int outChannels, int k, Span<float> dW, Span<float> wideDelta)
    {
        int oh = height - k + 1, ow = width - k + 1, plane = height * width, length = (oh - 1) * width + ow;
        _ = x[channels * plane - 1];
        _ = delta[outChannels * oh * ow - 1];
        _ = dW[outChannels * channels * k * k - 1];
        wideDelta = wideDelta[..(outChannels * oh * width)];
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < oh; i++)
            {
                Span<float> row = wideDelta.Slice((o * oh + i) * width, width);
                delta.Slice((o * oh + i) * ow, ow).CopyTo(row);
                row[ow..].Clear();
            }
        for (int o = 0; o < outChannels; o++)
        {
            ReadOnlySpan<float> d = wideDelta.Slice(o * oh * width, length);
            for (int c = 0; c < channels; c++)
                for (int u = 0; u < k; u++)
                {
                    ReadOnlySpan<float> xu = x.Slice(c * plane + u * width, length + k - 1);
                    Span<float> dWu = dW.Slice(((o * channels + c) * k + u) * k, k);
                    int v = 0;
                    for (; v + 4 <= k; v += 4)
                    {
                        var (s0, s1, s2, s3) = Simd.Dot4(d, xu[v..]);
                        dWu[v] += s0; dWu[v + 1] += s1; dWu[v + 2] += s2; dWu[v + 3] += s3;
                    }
                    for (; v < k; v++) dWu[v] += Simd.Dot(d, xu.Slice(v, length));
                }
        }
    }

    // Output row i of filters o and o+1, columns [j, j+24) (the last vectors slide left to end at ow: they rewrite equal values).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairRow(ref float x, int channels, int height, int width, ref float w, int k, int o,
        float bias0, float bias1, ref float z, int oh, int ow, int i, int j)
    {
        int j0 = Math.Min(j, ow - Lanes), j1 = Math.Min(j + Lanes, ow - Lanes), j2 = Math.Min(j + 2 * Lanes, ow - Lanes);
        Vector256<float> a0 = Vector256.Create(bias0), a1 = a0, a2 = a0;
        Vector256<float> b0 = Vector256.Create(bias1), b1 = b0, b2 = b0;
        int kk = k * k;
        for (int c = 0; c < channels; c++)
        {
            ref float wa = ref Unsafe.Add(ref w, (o * channels + c) * kk);
            ref float wb = ref Unsafe.Add(ref w, ((o + 1) * channels + c) * kk);
            for (int u = 0; u < k; u++)
            {
                ref float row = ref Unsafe.Add(ref x, (c * height + i + u) * width);
                for (int v = 0; v < k; v++)
                {
                    var x0 = Vector256.LoadUnsafe(ref row, (nuint)(j0 + v));
                    var x1 = Vector256.LoadUnsafe(ref row, (nuint)(j1 + v));
                    var x2 = Vector256.LoadUnsafe(ref row, (nuint)(j2 + v));
                    var wa0 = Vector256.Create(Unsafe.Add(ref wa, u * k + v));
                    var wb0 = Vector256.Create(Unsafe.Add(ref wb, u * k + v));
                    a0 = MulAdd(x0, wa0, a0); a1 = MulAdd(x1, wa0, a1); a2 = MulAdd(x2, wa0, a2);
                    b0 = MulAdd(x0, wb0, b0); b1 = MulAdd(x1, wb0, b1); b2 = MulAdd(x2, wb0, b2);
                }
            }
        }
        ref float za = ref Unsafe.Add(ref z, (o * oh + i) * ow);
        ref float zb = ref Unsafe.Add(ref z, ((o + 1) * oh + i) * ow);
        a0.StoreUnsafe(ref za, (nuint)j0); a1.StoreUnsafe(ref za, (nuint)j1); a2.StoreUnsafe(ref za, (nuint)j2);
        b0.StoreUnsafe(ref zb, (nuint)j0); b1.StoreUnsafe(ref zb, (nuint)j1); b2.StoreUnsafe(ref zb, (nuint)j2);
    }

    // Output row i of filter o, columns [j, j+32), the same sliding of the last vectors.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SingleRow(ref float x, int channels, int height, int width, ref float w, int k, int o,
        float bias, ref float z, int oh, int ow, int i, int j)
    {
        int j0 = Math.Min(j, ow - Lanes), j1 = Math.Min(j + Lanes, ow - Lanes);
        int j2 = Math.Min(j + 2 * Lanes, ow - Lanes), j3 = Math.Min(j + 3 * Lanes, ow - Lanes);
        Vector256<float> a0 = Vector256.Create(bias), a1 = a0, a2 = a0, a3 = a0;
        int kk = k * k;
        for (int c = 0; c < channels; c++)
        {
            ref float wa = ref Unsafe.Add(ref w, (o * channels + c) * kk);
            for (int u = 0; u < k; u++)
            {
                ref float row = ref Unsafe.Add(ref x, (c * height + i + u) * width);
                for (int v = 0; v < k; v++)
                {
                    var wv = Vector256.Create(Unsafe.Add(ref wa, u * k + v));
                    a0 = MulAdd(Vector256.LoadUnsafe(ref row, (nuint)(j0 + v)), wv, a0);
                    a1 = MulAdd(Vector256.LoadUnsafe(ref row, (nuint)(j1 + v)), wv, a1);
                    a2 = MulAdd(Vector256.LoadUnsafe(ref row, (nuint)(j2 + v)), wv, a2);
                    a3 = MulAdd(Vector256.LoadUnsafe(ref row, (nuint)(j3 + v)), wv, a3);
                }
            }
        }
        ref float zo = ref Unsafe.Add(ref z, (o * oh + i) * ow);
        a0.StoreUnsafe(ref zo, (nuint)j0); a1.StoreUnsafe(ref zo, (nuint)j1);
        a2.StoreUnsafe(ref zo, (nuint)j2); a3.StoreUnsafe(ref zo, (nuint)j3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CorrelateScalar(ReadOnlySpan<float> x, int channels, int height, int width,
        ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int outChannels, int k, Span<float> output)
    {
        int oh = height - k + 1, ow = width - k + 1;
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float sum = bias.IsEmpty ? 0f : bias[o];
                    for (int c = 0; c < channels; c++)
                        for (int u = 0; u < k; u++)
                            sum += Simd.Dot(x.Slice((c * height + i + u) * width + j, k), w.Slice(((o * channels + c) * k + u) * k, k));
                    output[(o * oh + i) * ow + j] = sum;
                }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Simd.MulAdd(a, b, c);
}
