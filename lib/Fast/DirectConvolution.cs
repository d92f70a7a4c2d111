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
internal static class DirectConvolution
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

    /// <summary>
    /// dW (O×C×k×k) += Σ_i Σ_j δ[o, i, j] · x[c, i+u, j+v] for one sample: x is C×H×W (padded), δ is O×OH×OW.
    /// Scratch: <paramref name="wideDelta"/> of O·OH·W floats, <paramref name="offsets"/> of C·k·k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddWeightGradient(ReadOnlySpan<float> x, int channels, int height, int width,
        ReadOnlySpan<float> delta, int outChannels, int k, Span<float> dW, Span<float> wideDelta, Span<int> offsets)
    {
        int oh = ConvArithmetic.OutputSize(height, k, stride: 1), ow = ConvArithmetic.OutputSize(width, k, stride: 1);
        int length = (oh - 1) * width + ow, wideRow = oh * width;
        _ = x[channels * height * width - 1];
        _ = delta[outChannels * oh * ow - 1];
        _ = dW[outChannels * channels * k * k - 1];
        wideDelta = wideDelta[..(outChannels * wideRow)];
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < oh; i++)
            {
                Span<float> row = wideDelta.Slice(o * wideRow + i * width, width);
                delta.Slice((o * oh + i) * ow, ow).CopyTo(row);
                row[ow..].Clear();
            }
        ShiftedTransposedProductAdd(wideDelta, wideRow, x, Offsets(channels, height, width, k, offsets), dW, outChannels, length);
    }

    /// <summary>The floats of scratch <see cref="InputGradient"/> needs beyond the C×H×W of the padded input.</summary>
    public const int InputGradientSlack = 3 * Lanes;

    /// <summary>
    /// dx̃ (C×H×W, the padded input's coordinates) = Σ_o Σ_u Σ_v w[o,c,u,v] · δ[o, y−u, x−v] for one sample, the adjoint of
    /// <see cref="Correlate"/>: every δ goes back onto the k×k pixels its window read. <paramref name="dx"/> needs
    /// C·H·W + <see cref="InputGradientSlack"/> floats (it is cleared here; the slack absorbs the last tile);
    /// <paramref name="wideDelta"/> is scratch of O·⌈OH·W/24⌉·24 floats, <paramref name="offsets"/> of C·k·k ints.
    /// </summary>
    /// <remarks>
    /// In the wide layout this is X̃_shifted += Wᵀ δ_wide: row (c,u,v) of Wᵀ δ_wide, Σ_o w[o,c,u,v] · δ_wide[o, t], is added
    /// onto the input plane c read from offset u·W + v. Tiles of 4 rows (c,u,v) × 3 vectors of t sum over o in registers,
    /// then add onto the 4 shifted views. This costs O·C·k·k multiply-adds per wide output position, half of what the
    /// full convolution of the zero-padded δ with rot180(W) costs on LeNet-5's second layer (whose δ is mostly padding).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient(ReadOnlySpan<float> delta, int outChannels, ReadOnlySpan<float> w, int channels, int height, int width,
        int k, Span<float> dx, Span<float> wideDelta, Span<int> offsets)
    {
        int oh = ConvArithmetic.OutputSize(height, k, stride: 1), ow = ConvArithmetic.OutputSize(width, k, stride: 1);
        int length = (oh - 1) * width + ow, kk = channels * k * k;
        int stride = (oh * width + 3 * Lanes - 1) / (3 * Lanes) * (3 * Lanes); // whole tiles of t, zeros beyond oh·W
        _ = delta[outChannels * oh * ow - 1];
        _ = w[outChannels * kk - 1];
        dx = dx[..(channels * height * width + InputGradientSlack)];
        wideDelta = wideDelta[..(outChannels * stride)];
        WidenInto(delta, outChannels, oh, ow, width, stride, wideDelta);
        dx.Clear();
        offsets = Offsets(channels, height, width, k, offsets);
        if (!Vector256.IsHardwareAccelerated)
        {
            for (int p = 0; p < kk; p++)
                for (int o = 0; o < outChannels; o++)
                    Simd.MultiplyAdd(w[o * kk + p], wideDelta.Slice(o * stride, length), dx.Slice(offsets[p], length));
            return;
        }
        ref float dr = ref MemoryMarshal.GetReference(wideDelta);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float xr = ref MemoryMarshal.GetReference(dx);
        ref int or = ref MemoryMarshal.GetReference(offsets);
        for (int p0 = 0; p0 < kk; p0 += 4)
            for (int t = 0; t < length; t += 3 * Lanes)
                ScatterTile(ref dr, stride, ref wr, kk, outChannels, ref xr, ref or, p0, Math.Min(4, kk - p0), t);
    }

    // Rows p0 … p0+3 of Wᵀ δ_wide at t … t+23, summed over o in registers, then added onto the shifted views of dx̃
    // (only the first `rows` of them: the last tile repeats its last row and must not add it twice).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScatterTile(ref float d, int stride, ref float w, int kk, int outChannels, ref float dx, ref int offsets,
        int p0, int rows, int t)
    {
        int p1 = p0 + Math.Min(1, rows - 1), p2 = p0 + Math.Min(2, rows - 1), p3 = p0 + Math.Min(3, rows - 1);
        Vector256<float> s00 = Vector256<float>.Zero, s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
        Vector256<float> s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00;
        ref float dt = ref Unsafe.Add(ref d, t);
        for (int o = 0; o < outChannels; o++)
        {
            ref float row = ref Unsafe.Add(ref dt, o * stride);
            var e0 = Vector256.LoadUnsafe(ref row);
            var e1 = Vector256.LoadUnsafe(ref row, Lanes);
            var e2 = Vector256.LoadUnsafe(ref row, 2 * Lanes);
            ref float wo = ref Unsafe.Add(ref w, o * kk);
            var a = Vector256.Create(Unsafe.Add(ref wo, p0));
            s00 = Simd.MulAdd(e0, a, s00); s01 = Simd.MulAdd(e1, a, s01); s02 = Simd.MulAdd(e2, a, s02);
            a = Vector256.Create(Unsafe.Add(ref wo, p1));
            s10 = Simd.MulAdd(e0, a, s10); s11 = Simd.MulAdd(e1, a, s11); s12 = Simd.MulAdd(e2, a, s12);
            a = Vector256.Create(Unsafe.Add(ref wo, p2));
            s20 = Simd.MulAdd(e0, a, s20); s21 = Simd.MulAdd(e1, a, s21); s22 = Simd.MulAdd(e2, a, s22);
            a = Vector256.Create(Unsafe.Add(ref wo, p3));
            s30 = Simd.MulAdd(e0, a, s30); s31 = Simd.MulAdd(e1, a, s31); s32 = Simd.MulAdd(e2, a, s32);
        }
        AddTo(ref Unsafe.Add(ref dx, Unsafe.Add(ref offsets, p0) + t), s00, s01, s02);
        if (rows > 1) AddTo(ref Unsafe.Add(ref dx, Unsafe.Add(ref offsets, p1) + t), s10, s11, s12);
        if (rows > 2) AddTo(ref Unsafe.Add(ref dx, Unsafe.Add(ref offsets, p2) + t), s20, s21, s22);
        if (rows > 3) AddTo(ref Unsafe.Add(ref dx, Unsafe.Add(ref offsets, p3) + t), s30, s31, s32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref float at, Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
        (Vector256.LoadUnsafe(ref at) + a).StoreUnsafe(ref at);
        (Vector256.LoadUnsafe(ref at, Lanes) + b).StoreUnsafe(ref at, Lanes);
        (Vector256.LoadUnsafe(ref at, 2 * Lanes) + c).StoreUnsafe(ref at, 2 * Lanes);
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
    private static Span<int> Offsets(int channels, int height, int width, int k, Span<int> scratch)
    {
        Span<int> offsets = scratch[..(channels * k * k)];
        int p = 0;
        for (int c = 0; c < channels; c++)
            for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++) offsets[p++] = (c * height + u) * width + v;
        return offsets;
    }

    /// <summary>
    /// c[r·cStride + t] = bias[r] + Σ_p a[r·K + p] · x[offsets[p] + t] for r &lt; m, t &lt; length, K = offsets.Length
    /// (an empty bias means zero).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShiftedProduct(ReadOnlySpan<float> a, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, ReadOnlySpan<int> offsets,
        Span<float> c, int m, int length, int cStride)
    {
        int kk = offsets.Length;
        if (length < Lanes || !Vector256.IsHardwareAccelerated)
        {
            for (int r = 0; r < m; r++)
                for (int t = 0; t < length; t++)
                {
                    float sum = bias.IsEmpty ? 0f : bias[r];
                    for (int p = 0; p < kk; p++) sum += a[r * kk + p] * x[offsets[p] + t];
                    c[r * cStride + t] = sum;
                }
            return;
        }
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref int or = ref MemoryMarshal.GetReference(offsets);
        ref float cr = ref MemoryMarshal.GetReference(c);
        // Rows in blocks of 3 when m is a multiple of 3 but not of 4 (6 filters: two full blocks) or m = 2 (the course
        // network: a 3-row tile computes one repeated row, a 4-row tile two), else of 4; the last block repeats its last
        // row rather than running a narrower tile (the repeats are computed, and stored only as the same values again).
        bool threes = ThreeRowTiles(m);
        int rows = threes ? 3 : 4, span = threes ? 4 * Lanes : 3 * Lanes;
        for (int r0 = 0; r0 < m; r0 += rows)
        {
            int r1 = Math.Min(r0 + 1, m - 1), r2 = Math.Min(r0 + 2, m - 1), r3 = Math.Min(r0 + 3, m - 1);
            for (int t = 0; t < length; t += span)
            {
                // The last vectors slide left to end at length: they rewrite equal values.
                int t0 = Math.Min(t, length - Lanes), t1 = Math.Min(t + Lanes, length - Lanes), t2 = Math.Min(t + 2 * Lanes, length - Lanes);
                if (threes)
                    Tile3x4(ref ar, kk, bias, r0, r1, r2, ref xr, ref or, ref cr, cStride, t0, t1, t2, Math.Min(t + 3 * Lanes, length - Lanes));
                else
                    Tile4x3(ref ar, kk, bias, r0, r1, r2, r3, m, ref xr, ref or, ref cr, cStride, t0, t1, t2);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x3(ref float a, int kk, ReadOnlySpan<float> bias, int r0, int r1, int r2, int r3, int m,
        ref float x, ref int offsets, ref float c, int cStride, int t0, int t1, int t2)
    {
        Vector256<float> s00 = Bias(bias, r0), s01 = s00, s02 = s00, s10 = Bias(bias, r1), s11 = s10, s12 = s10;
        Vector256<float> s20 = Bias(bias, r2), s21 = s20, s22 = s20, s30 = Bias(bias, r3), s31 = s30, s32 = s30;
        ref float a0 = ref Unsafe.Add(ref a, r0 * kk);
        ref float a1 = ref Unsafe.Add(ref a, r1 * kk);
        ref float a2 = ref Unsafe.Add(ref a, r2 * kk);
        ref float a3 = ref Unsafe.Add(ref a, r3 * kk);
        for (int p = 0; p < kk; p++)
        {
            ref float xp = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, p));
            var x0 = Vector256.LoadUnsafe(ref xp, (nuint)t0);
            var x1 = Vector256.LoadUnsafe(ref xp, (nuint)t1);
            var x2 = Vector256.LoadUnsafe(ref xp, (nuint)t2);
            var w = Vector256.Create(Unsafe.Add(ref a0, p));
            s00 = Simd.MulAdd(x0, w, s00); s01 = Simd.MulAdd(x1, w, s01); s02 = Simd.MulAdd(x2, w, s02);
            w = Vector256.Create(Unsafe.Add(ref a1, p));
            s10 = Simd.MulAdd(x0, w, s10); s11 = Simd.MulAdd(x1, w, s11); s12 = Simd.MulAdd(x2, w, s12);
            w = Vector256.Create(Unsafe.Add(ref a2, p));
            s20 = Simd.MulAdd(x0, w, s20); s21 = Simd.MulAdd(x1, w, s21); s22 = Simd.MulAdd(x2, w, s22);
            w = Vector256.Create(Unsafe.Add(ref a3, p));
            s30 = Simd.MulAdd(x0, w, s30); s31 = Simd.MulAdd(x1, w, s31); s32 = Simd.MulAdd(x2, w, s32);
        }
        Store3(ref Unsafe.Add(ref c, r0 * cStride), s00, s01, s02, t0, t1, t2);
        if (r0 + 1 < m) Store3(ref Unsafe.Add(ref c, r1 * cStride), s10, s11, s12, t0, t1, t2);
        if (r0 + 2 < m) Store3(ref Unsafe.Add(ref c, r2 * cStride), s20, s21, s22, t0, t1, t2);
        if (r0 + 3 < m) Store3(ref Unsafe.Add(ref c, r3 * cStride), s30, s31, s32, t0, t1, t2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile3x4(ref float a, int kk, ReadOnlySpan<float> bias, int r0, int r1, int r2,
        ref float x, ref int offsets, ref float c, int cStride, int t0, int t1, int t2, int t3)
    {
        // Used when 3 divides m (all three rows are real) or m = 2 (the third row repeats the second, same values).
        Vector256<float> s00 = Bias(bias, r0), s01 = s00, s02 = s00, s03 = s00, s10 = Bias(bias, r1), s11 = s10, s12 = s10, s13 = s10;
        Vector256<float> s20 = Bias(bias, r2), s21 = s20, s22 = s20, s23 = s20;
        ref float a0 = ref Unsafe.Add(ref a, r0 * kk);
        ref float a1 = ref Unsafe.Add(ref a, r1 * kk);
        ref float a2 = ref Unsafe.Add(ref a, r2 * kk);
        for (int p = 0; p < kk; p++)
        {
            ref float xp = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, p));
            var x0 = Vector256.LoadUnsafe(ref xp, (nuint)t0);
            var x1 = Vector256.LoadUnsafe(ref xp, (nuint)t1);
            var x2 = Vector256.LoadUnsafe(ref xp, (nuint)t2);
            var x3 = Vector256.LoadUnsafe(ref xp, (nuint)t3);
            var w = Vector256.Create(Unsafe.Add(ref a0, p));
            s00 = Simd.MulAdd(x0, w, s00); s01 = Simd.MulAdd(x1, w, s01); s02 = Simd.MulAdd(x2, w, s02); s03 = Simd.MulAdd(x3, w, s03);
            w = Vector256.Create(Unsafe.Add(ref a1, p));
            s10 = Simd.MulAdd(x0, w, s10); s11 = Simd.MulAdd(x1, w, s11); s12 = Simd.MulAdd(x2, w, s12); s13 = Simd.MulAdd(x3, w, s13);
            w = Vector256.Create(Unsafe.Add(ref a2, p));
            s20 = Simd.MulAdd(x0, w, s20); s21 = Simd.MulAdd(x1, w, s21); s22 = Simd.MulAdd(x2, w, s22); s23 = Simd.MulAdd(x3, w, s23);
        }
        Store4(ref Unsafe.Add(ref c, r0 * cStride), s00, s01, s02, s03, t0, t1, t2, t3);
        Store4(ref Unsafe.Add(ref c, r1 * cStride), s10, s11, s12, s13, t0, t1, t2, t3);
        Store4(ref Unsafe.Add(ref c, r2 * cStride), s20, s21, s22, s23, t0, t1, t2, t3);
    }

    /// <summary>
    /// c[r·K + p] += Σ_t d[r·dStride + t] · x[offsets[p] + t] for r &lt; m, p &lt; K = offsets.Length, t &lt; length:
    /// dot products of the rows of d with the shifted views of x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShiftedTransposedProductAdd(ReadOnlySpan<float> d, int dStride, ReadOnlySpan<float> x, ReadOnlySpan<int> offsets,
        Span<float> c, int m, int length)
    {
        int kk = offsets.Length;
        int vectorEnd = Vector256.IsHardwareAccelerated ? length / Lanes * Lanes : 0;
        ref float dr = ref MemoryMarshal.GetReference(d);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref int or = ref MemoryMarshal.GetReference(offsets);
        // Tiles of 4 rows of d × 3 views of x (or 3 × 4, see ThreeRowTiles); edges repeat the last row or view.
        bool threes = ThreeRowTiles(m);
        int rows = threes ? 3 : 4, views = threes ? 4 : 3;
        Span<float> sums = stackalloc float[12];
        for (int r0 = 0; r0 < m; r0 += rows)
            for (int p0 = 0; p0 < kk; p0 += views)
            {
                int rn = Math.Min(rows, m - r0), pn = Math.Min(views, kk - p0);
                DotTile(ref dr, dStride, ref xr, ref or, r0, m, p0, kk, rows, views, vectorEnd, length, sums);
                for (int i = 0; i < rn; i++)
                    for (int j = 0; j < pn; j++) c[(r0 + i) * kk + p0 + j] += sums[i * views + j];
            }
    }

    // The 12 dot products of rows r0.. of d with views p0.. of x (rows × views is 4×3 or 3×4), into sums[i·views + j].
    // Too large to inline; compiled optimised from the first call, like the other kernels.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile(ref float d, int dStride, ref float x, ref int offsets, int r0, int m, int p0, int kk,
        int rows, int views, int vectorEnd, int length, Span<float> sums)
    {
        // Four "row" pointers and four "view" pointers; with 3 of one kind, the fourth repeats the third and its sums are ignored.
        ref float d0 = ref Unsafe.Add(ref d, r0 * dStride);
        ref float d1 = ref Unsafe.Add(ref d, Math.Min(r0 + 1, m - 1) * dStride);
        ref float d2 = ref Unsafe.Add(ref d, Math.Min(r0 + 2, m - 1) * dStride);
        ref float x0 = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, p0));
        ref float x1 = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, Math.Min(p0 + 1, kk - 1)));
        ref float x2 = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, Math.Min(p0 + 2, kk - 1)));
        if (rows == 4)
        {
            ref float d3 = ref Unsafe.Add(ref d, Math.Min(r0 + 3, m - 1) * dStride);
            Vector256<float> s00 = Vector256<float>.Zero, s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
            Vector256<float> s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00;
            for (int t = 0; t < vectorEnd; t += Lanes)
            {
                var v0 = Vector256.LoadUnsafe(ref x0, (nuint)t);
                var v1 = Vector256.LoadUnsafe(ref x1, (nuint)t);
                var v2 = Vector256.LoadUnsafe(ref x2, (nuint)t);
                var e = Vector256.LoadUnsafe(ref d0, (nuint)t);
                s00 = Simd.MulAdd(e, v0, s00); s01 = Simd.MulAdd(e, v1, s01); s02 = Simd.MulAdd(e, v2, s02);
                e = Vector256.LoadUnsafe(ref d1, (nuint)t);
                s10 = Simd.MulAdd(e, v0, s10); s11 = Simd.MulAdd(e, v1, s11); s12 = Simd.MulAdd(e, v2, s12);
                e = Vector256.LoadUnsafe(ref d2, (nuint)t);
                s20 = Simd.MulAdd(e, v0, s20); s21 = Simd.MulAdd(e, v1, s21); s22 = Simd.MulAdd(e, v2, s22);
                e = Vector256.LoadUnsafe(ref d3, (nuint)t);
                s30 = Simd.MulAdd(e, v0, s30); s31 = Simd.MulAdd(e, v1, s31); s32 = Simd.MulAdd(e, v2, s32);
            }
            sums[0] = Vector256.Sum(s00); sums[1] = Vector256.Sum(s01); sums[2] = Vector256.Sum(s02);
            sums[3] = Vector256.Sum(s10); sums[4] = Vector256.Sum(s11); sums[5] = Vector256.Sum(s12);
            sums[6] = Vector256.Sum(s20); sums[7] = Vector256.Sum(s21); sums[8] = Vector256.Sum(s22);
            sums[9] = Vector256.Sum(s30); sums[10] = Vector256.Sum(s31); sums[11] = Vector256.Sum(s32);
            for (int t = vectorEnd; t < length; t++) // the last length mod 8 terms
            {
                float a0 = Unsafe.Add(ref x0, t), a1 = Unsafe.Add(ref x1, t), a2 = Unsafe.Add(ref x2, t);
                float e0 = Unsafe.Add(ref d0, t), e1 = Unsafe.Add(ref d1, t), e2 = Unsafe.Add(ref d2, t), e3 = Unsafe.Add(ref d3, t);
                sums[0] += e0 * a0; sums[1] += e0 * a1; sums[2] += e0 * a2;
                sums[3] += e1 * a0; sums[4] += e1 * a1; sums[5] += e1 * a2;
                sums[6] += e2 * a0; sums[7] += e2 * a1; sums[8] += e2 * a2;
                sums[9] += e3 * a0; sums[10] += e3 * a1; sums[11] += e3 * a2;
            }
        }
        else
        {
            ref float x3 = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, Math.Min(p0 + 3, kk - 1)));
            Vector256<float> s00 = Vector256<float>.Zero, s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
            Vector256<float> s20 = s00, s21 = s00, s22 = s00, s23 = s00;
            for (int t = 0; t < vectorEnd; t += Lanes)
            {
                var v0 = Vector256.LoadUnsafe(ref x0, (nuint)t);
                var v1 = Vector256.LoadUnsafe(ref x1, (nuint)t);
                var v2 = Vector256.LoadUnsafe(ref x2, (nuint)t);
                var v3 = Vector256.LoadUnsafe(ref x3, (nuint)t);
                var e = Vector256.LoadUnsafe(ref d0, (nuint)t);
                s00 = Simd.MulAdd(e, v0, s00); s01 = Simd.MulAdd(e, v1, s01); s02 = Simd.MulAdd(e, v2, s02); s03 = Simd.MulAdd(e, v3, s03);
                e = Vector256.LoadUnsafe(ref d1, (nuint)t);
                s10 = Simd.MulAdd(e, v0, s10); s11 = Simd.MulAdd(e, v1, s11); s12 = Simd.MulAdd(e, v2, s12); s13 = Simd.MulAdd(e, v3, s13);
                e = Vector256.LoadUnsafe(ref d2, (nuint)t);
                s20 = Simd.MulAdd(e, v0, s20); s21 = Simd.MulAdd(e, v1, s21); s22 = Simd.MulAdd(e, v2, s22); s23 = Simd.MulAdd(e, v3, s23);
            }
            sums[0] = Vector256.Sum(s00); sums[1] = Vector256.Sum(s01); sums[2] = Vector256.Sum(s02); sums[3] = Vector256.Sum(s03);
            sums[4] = Vector256.Sum(s10); sums[5] = Vector256.Sum(s11); sums[6] = Vector256.Sum(s12); sums[7] = Vector256.Sum(s13);
            sums[8] = Vector256.Sum(s20); sums[9] = Vector256.Sum(s21); sums[10] = Vector256.Sum(s22); sums[11] = Vector256.Sum(s23);
            for (int t = vectorEnd; t < length; t++)
            {
                float a0 = Unsafe.Add(ref x0, t), a1 = Unsafe.Add(ref x1, t), a2 = Unsafe.Add(ref x2, t), a3 = Unsafe.Add(ref x3, t);
                float e0 = Unsafe.Add(ref d0, t), e1 = Unsafe.Add(ref d1, t), e2 = Unsafe.Add(ref d2, t);
                sums[0] += e0 * a0; sums[1] += e0 * a1; sums[2] += e0 * a2; sums[3] += e0 * a3;
                sums[4] += e1 * a0; sums[5] += e1 * a1; sums[6] += e1 * a2; sums[7] += e1 * a3;
                sums[8] += e2 * a0; sums[9] += e2 * a1; sums[10] += e2 * a2; sums[11] += e2 * a3;
            }
        }
    }

    /// <summary>Tiles of 3 rows × 4 vectors waste fewer multiply-adds than 4 × 3 for these row counts.</summary>
    private static bool ThreeRowTiles(int m) => m % 4 != 0 && (m % 3 == 0 || m == 2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Bias(ReadOnlySpan<float> bias, int r) => bias.IsEmpty ? Vector256<float>.Zero : Vector256.Create(bias[r]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(ref float row, Vector256<float> a, Vector256<float> b, Vector256<float> c, int t0, int t1, int t2)
    {
        a.StoreUnsafe(ref row, (nuint)t0); b.StoreUnsafe(ref row, (nuint)t1); c.StoreUnsafe(ref row, (nuint)t2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(ref float row, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d,
        int t0, int t1, int t2, int t3)
    {
        a.StoreUnsafe(ref row, (nuint)t0); b.StoreUnsafe(ref row, (nuint)t1); c.StoreUnsafe(ref row, (nuint)t2); d.StoreUnsafe(ref row, (nuint)t3);
    }
}
