using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

internal static partial class DirectConvolution
{
    /// <summary>The scratch floats <see cref="AddWeightGradient"/> needs for O filters of OH×OW outputs on W-wide input rows.</summary>
    public static int WeightGradientScratch(int outChannels, int oh, int width) =>
        outChannels * oh * width + PairedLength(outChannels, oh * width) + 16;

    /// <summary>
    /// dW (O×C×k×k) += Σ_i Σ_j δ[o, i, j] · x[c, i+u, j+v] for one sample: x is C×H×W (padded), δ is O×OH×OW.
    /// Scratch: <paramref name="wideDelta"/> of <see cref="WeightGradientScratch"/> floats, <paramref name="offsets"/> of C·k·k.
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
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < oh; i++)
            {
                Span<float> row = wideDelta.Slice(o * wideRow + i * width, width); // δ_wide, row by row
                delta.Slice((o * oh + i) * ow, ow).CopyTo(row);
                row[ow..].Clear();
            }
        offsets = Offsets(channels, height, width, k, offsets);
        // The paired 16-float kernel costs an interleaving pass over δ (O × L floats) that only enough views of x repay:
        // with C·k·k = 150 (LeNet-5's second layer, before it moved to FilterLanesWeightGradient) it was 1.6× faster than
        // the 8-float one, with 25 (its first) about even, with 9 (a 3×3 kernel on one channel) 1.4× slower; with
        // 2 filters a tile of 3 pairs would be two thirds waste.
        if (VectorWidth.Wide && outChannels > 2 && offsets.Length >= 16)
        {
            Span<float> pairs = Aligned(wideDelta[(outChannels * wideRow)..]);
            InterleavePairs(wideDelta, wideRow, outChannels, length, pairs);
            PairedTransposedProductAdd(pairs, length, x, offsets, dW, outChannels);
        }
        else ShiftedTransposedProductAdd(wideDelta, wideRow, x, offsets, dW, outChannels, length);
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
        Span<float> sums = stackalloc float[12];
        if (ThreeRowTiles(m)) DotTiles<ThreeByFour>(ref dr, dStride, ref xr, ref or, m, kk, vectorEnd, length, c, sums);
        else DotTiles<FourByThree>(ref dr, dStride, ref xr, ref or, m, kk, vectorEnd, length, c, sums);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTiles<TShape>(ref float d, int dStride, ref float x, ref int offsets, int m, int kk, int vectorEnd, int length,
        Span<float> c, Span<float> sums) where TShape : struct, ITileShape
    {
        int rows = TShape.Rows, views = TShape.Columns;
        for (int r0 = 0; r0 < m; r0 += rows)
            for (int p0 = 0; p0 < kk; p0 += views)
            {
                int rn = Math.Min(rows, m - r0), pn = Math.Min(views, kk - p0);
                DotTile<TShape>(ref d, dStride, ref x, ref offsets, r0, m, p0, kk, vectorEnd, length, sums);
                for (int i = 0; i < rn; i++)
                    for (int j = 0; j < pn; j++) c[(r0 + i) * kk + p0 + j] += sums[i * views + j];
            }
    }

    // The 12 dot products of rows r0.. of d with views p0.. of x (Rows × Columns is 4×3 or 3×4), into sums[i·Columns + j]:
    // 8 partial sums each, added up by Vector256.Sum, then the last length mod 8 terms one product at a time. Too large to
    // inline; compiled optimised from the first call, like the other kernels.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile<TShape>(ref float d, int dStride, ref float x, ref int offsets, int r0, int m, int p0, int kk,
        int vectorEnd, int length, Span<float> sums) where TShape : struct, ITileShape
    {
        // Four "row" pointers and four "view" pointers; with 3 of one kind, the fourth repeats the third and is not used.
        ref float d0 = ref Unsafe.Add(ref d, r0 * dStride);
        ref float d1 = ref Unsafe.Add(ref d, Math.Min(r0 + 1, m - 1) * dStride);
        ref float d2 = ref Unsafe.Add(ref d, Math.Min(r0 + 2, m - 1) * dStride);
        ref float d3 = ref Unsafe.Add(ref d, Math.Min(r0 + 3, m - 1) * dStride);
        ref float x0 = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, p0));
        ref float x1 = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, Math.Min(p0 + 1, kk - 1)));
        ref float x2 = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, Math.Min(p0 + 2, kk - 1)));
        ref float x3 = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, Math.Min(p0 + 3, kk - 1)));
        bool fourRows = TShape.Rows > 3, fourViews = TShape.Columns > 3;
        Vector256<float> s00 = Vector256<float>.Zero, s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        Vector256<float> s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00;
        for (int t = 0; t < vectorEnd; t += Lanes)
        {
            var v0 = Vector256.LoadUnsafe(ref x0, (nuint)t);
            var v1 = Vector256.LoadUnsafe(ref x1, (nuint)t);
            var v2 = Vector256.LoadUnsafe(ref x2, (nuint)t);
            var v3 = fourViews ? Vector256.LoadUnsafe(ref x3, (nuint)t) : default;
            var e = Vector256.LoadUnsafe(ref d0, (nuint)t);
            s00 = Simd.MulAdd(e, v0, s00); s01 = Simd.MulAdd(e, v1, s01); s02 = Simd.MulAdd(e, v2, s02);
            if (fourViews) s03 = Simd.MulAdd(e, v3, s03);
            e = Vector256.LoadUnsafe(ref d1, (nuint)t);
            s10 = Simd.MulAdd(e, v0, s10); s11 = Simd.MulAdd(e, v1, s11); s12 = Simd.MulAdd(e, v2, s12);
            if (fourViews) s13 = Simd.MulAdd(e, v3, s13);
            e = Vector256.LoadUnsafe(ref d2, (nuint)t);
            s20 = Simd.MulAdd(e, v0, s20); s21 = Simd.MulAdd(e, v1, s21); s22 = Simd.MulAdd(e, v2, s22);
            if (fourViews) s23 = Simd.MulAdd(e, v3, s23);
            if (fourRows)
            {
                e = Vector256.LoadUnsafe(ref d3, (nuint)t);
                s30 = Simd.MulAdd(e, v0, s30); s31 = Simd.MulAdd(e, v1, s31); s32 = Simd.MulAdd(e, v2, s32);
            }
        }
        int n = TShape.Columns;
        RowSums<TShape>(sums, 0, s00, s01, s02, s03);
        RowSums<TShape>(sums, n, s10, s11, s12, s13);
        RowSums<TShape>(sums, 2 * n, s20, s21, s22, s23);
        if (fourRows) RowSums<TShape>(sums, 3 * n, s30, s31, s32, default);
        for (int t = vectorEnd; t < length; t++) // the last length mod 8 terms
        {
            float a0 = Unsafe.Add(ref x0, t), a1 = Unsafe.Add(ref x1, t), a2 = Unsafe.Add(ref x2, t), a3 = fourViews ? Unsafe.Add(ref x3, t) : 0f;
            RowTail<TShape>(sums, 0, Unsafe.Add(ref d0, t), a0, a1, a2, a3);
            RowTail<TShape>(sums, n, Unsafe.Add(ref d1, t), a0, a1, a2, a3);
            RowTail<TShape>(sums, 2 * n, Unsafe.Add(ref d2, t), a0, a1, a2, a3);
            if (fourRows) RowTail<TShape>(sums, 3 * n, Unsafe.Add(ref d3, t), a0, a1, a2, a3);
        }
    }

    // One row's dot products: sums[at + j] = Vector256.Sum(s_j) for the tile's Columns views.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowSums<TShape>(Span<float> sums, int at, Vector256<float> a, Vector256<float> b, Vector256<float> c,
        Vector256<float> d) where TShape : struct, ITileShape
    {
        sums[at] = Vector256.Sum(a); sums[at + 1] = Vector256.Sum(b); sums[at + 2] = Vector256.Sum(c);
        if (TShape.Columns > 3) sums[at + 3] = Vector256.Sum(d);
    }

    // One row's tail term at one column: sums[at + j] += e · a_j.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowTail<TShape>(Span<float> sums, int at, float e, float a0, float a1, float a2, float a3)
        where TShape : struct, ITileShape
    {
        sums[at] += e * a0; sums[at + 1] += e * a1; sums[at + 2] += e * a2;
        if (TShape.Columns > 3) sums[at + 3] += e * a3;
    }

    /// <summary>Floats of the paired layout of <see cref="InterleavePairs"/> for m rows of up to n columns.</summary>
    private static int PairedLength(int m, int n) => (m + 1) / 2 * ((n + Lanes - 1) / Lanes) * 2 * Lanes;

    /// <summary>
    /// δ_wide (m rows of <paramref name="dStride"/>) as pairs of rows in blocks of 8 columns: block b of pair q holds
    /// row 2q at columns 8b…8b+7, then row 2q+1 at the same columns (an odd last row pairs with zeros), so one 16-float
    /// load gives the same 8 columns of two filters. Columns from <paramref name="length"/> on are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InterleavePairs(ReadOnlySpan<float> d, int dStride, int m, int length, Span<float> pairs)
    {
        int blocks = (length + Lanes - 1) / Lanes, full = length / Lanes;
        pairs = pairs[..PairedLength(m, length)];
        if (m % 2 == 1 || full < blocks) pairs.Clear(); // the odd row's partner and the tail's padding are zeros
        _ = d[(m - 1) * dStride + length - 1];
        ref float pr = ref MemoryMarshal.GetReference(pairs);
        for (int r = 0; r < m; r++)
        {
            ref float row = ref Unsafe.Add(ref MemoryMarshal.GetReference(d), r * dStride);
            ref float pair = ref Unsafe.Add(ref pr, r / 2 * blocks * 2 * Lanes + r % 2 * Lanes);
            for (int b = 0; b < full; b++)
                Vector256.LoadUnsafe(ref row, (nuint)(b * Lanes)).StoreUnsafe(ref pair, (nuint)(b * 2 * Lanes));
            for (int t = full * Lanes; t < length; t++) Unsafe.Add(ref pair, full * 2 * Lanes + t - full * Lanes) = Unsafe.Add(ref row, t);
        }
    }

    /// <summary>
    /// <see cref="ShiftedTransposedProductAdd"/> with 16-float vectors and the same bits: each vector holds two filters'
    /// 8-float partial sums side by side (from <see cref="InterleavePairs"/>), each half adding up the same products in
    /// the same order as one 8-float accumulator, and reduced by the same <see cref="Vector256.Sum{T}(Vector256{T})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PairedTransposedProductAdd(ReadOnlySpan<float> pairs, int length, ReadOnlySpan<float> x, ReadOnlySpan<int> offsets,
        Span<float> c, int m)
    {
        int kk = offsets.Length, blocks = (length + Lanes - 1) / Lanes, pairCount = (m + 1) / 2;
        ref float pr = ref MemoryMarshal.GetReference(pairs);
        ref int or = ref MemoryMarshal.GetReference(offsets);
        Span<float> sums = stackalloc float[24];
        fixed (float* xp = x) // pinned: the broadcasting load takes an address
        {
            // Tiles of 3 pairs (6 filters) × 4 views; edges repeat the last pair or view, whose sums are not stored.
            for (int q0 = 0; q0 < pairCount; q0 += 3)
                for (int p0 = 0; p0 < kk; p0 += 4)
                {
                    PairedDotTile(ref pr, blocks, pairCount, q0, xp, ref or, p0, kk, length, sums);
                    int rn = Math.Min(6, m - 2 * q0), pn = Math.Min(4, kk - p0);
                    for (int i = 0; i < rn; i++)
                        for (int j = 0; j < pn; j++) c[(2 * q0 + i) * kk + p0 + j] += sums[i * 4 + j];
                }
        }
    }

    // The 24 dot products of filters 2q0 … 2q0+5 with views p0 … p0+3 into sums[i·4 + j]; the tail (length mod 8
    // columns) is added one product at a time after the vector sums, as in DotTile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PairedDotTile(ref float pairs, int blocks, int pairCount, int q0, float* x, ref int offsets, int p0, int kk,
        int length, Span<float> sums)
    {
        ref float e0 = ref Unsafe.Add(ref pairs, q0 * blocks * 2 * Lanes);
        ref float e1 = ref Unsafe.Add(ref pairs, Math.Min(q0 + 1, pairCount - 1) * blocks * 2 * Lanes);
        ref float e2 = ref Unsafe.Add(ref pairs, Math.Min(q0 + 2, pairCount - 1) * blocks * 2 * Lanes);
        float* x0 = x + Unsafe.Add(ref offsets, p0);
        float* x1 = x + Unsafe.Add(ref offsets, Math.Min(p0 + 1, kk - 1));
        float* x2 = x + Unsafe.Add(ref offsets, Math.Min(p0 + 2, kk - 1));
        float* x3 = x + Unsafe.Add(ref offsets, Math.Min(p0 + 3, kk - 1));
        Vector512<float> s00 = Vector512<float>.Zero, s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        Vector512<float> s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        int vectorEnd = length / Lanes * Lanes;
        for (int t = 0, b = 0; t < vectorEnd; t += Lanes, b += 2 * Lanes)
        {
            // The same 8 floats in both halves: one broadcasting load (Vector512.Create(v, v) is two dependent inserts).
            var v0 = Avx512DQ.BroadcastVector256ToVector512(x0 + t);
            var v1 = Avx512DQ.BroadcastVector256ToVector512(x1 + t);
            var v2 = Avx512DQ.BroadcastVector256ToVector512(x2 + t);
            var v3 = Avx512DQ.BroadcastVector256ToVector512(x3 + t);
            var e = Vector512.LoadUnsafe(ref e0, (nuint)b);
            s00 = Lanes16.MulAdd(e, v0, s00); s01 = Lanes16.MulAdd(e, v1, s01); s02 = Lanes16.MulAdd(e, v2, s02); s03 = Lanes16.MulAdd(e, v3, s03);
            e = Vector512.LoadUnsafe(ref e1, (nuint)b);
            s10 = Lanes16.MulAdd(e, v0, s10); s11 = Lanes16.MulAdd(e, v1, s11); s12 = Lanes16.MulAdd(e, v2, s12); s13 = Lanes16.MulAdd(e, v3, s13);
            e = Vector512.LoadUnsafe(ref e2, (nuint)b);
            s20 = Lanes16.MulAdd(e, v0, s20); s21 = Lanes16.MulAdd(e, v1, s21); s22 = Lanes16.MulAdd(e, v2, s22); s23 = Lanes16.MulAdd(e, v3, s23);
        }
        Reduce(s00, s01, s02, s03, sums[..8]);
        Reduce(s10, s11, s12, s13, sums[8..]);
        Reduce(s20, s21, s22, s23, sums[16..]);
        for (int t = vectorEnd; t < length; t++)
        {
            int at = t / Lanes * 2 * Lanes + t % Lanes;
            float a0 = x0[t], a1 = x1[t], a2 = x2[t], a3 = x3[t];
            for (int i = 0; i < 6; i++)
            {
                float ei = Unsafe.Add(ref i < 2 ? ref e0 : ref i < 4 ? ref e1 : ref e2, at + i % 2 * Lanes);
                sums[i * 4] += ei * a0; sums[i * 4 + 1] += ei * a1; sums[i * 4 + 2] += ei * a2; sums[i * 4 + 3] += ei * a3;
            }
        }
    }

    /// <summary>
    /// The span from its first 64-byte boundary on (at most 15 floats later), so the paired loads do not straddle cache
    /// lines. ConvolutionFast allocates the scratch pinned, so the garbage collector never moves it off the boundary.
    /// </summary>
    private static unsafe Span<float> Aligned(Span<float> span)
    {
        int skew = (int)((nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)) / sizeof(float) % 16);
        return span[((16 - skew) % 16)..];
    }

    /// <summary>
    /// The eight 8-float sums in four paired accumulators (views j = 0…3; lower half filter i, upper half filter i+1):
    /// sums[j] for filter i, sums[4 + j] for filter i+1. Each is ((v0+v1)+(v2+v3)) + ((v4+v5)+(v6+v7)), the order of
    /// Vector256.Sum, computed for all eight at once with in-lane shuffles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, Span<float> sums)
    {
        // In every 128-bit lane: [a0+a1, a2+a3, b0+b1, b2+b3], then [a0123, b0123, c0123, d0123], then lanes 0+1 and 2+3.
        Vector512<float> ab = Avx512F.Shuffle(a, b, 0b10_00_10_00) + Avx512F.Shuffle(a, b, 0b11_01_11_01);
        Vector512<float> cd = Avx512F.Shuffle(c, d, 0b10_00_10_00) + Avx512F.Shuffle(c, d, 0b11_01_11_01);
        Vector512<float> quads = Avx512F.Shuffle(ab, cd, 0b10_00_10_00) + Avx512F.Shuffle(ab, cd, 0b11_01_11_01);
        Vector512<float> halves = quads + Avx512F.Shuffle4x128(quads, quads, 0b10_11_00_01);
        halves.GetLower().GetLower().CopyTo(sums);
        halves.GetUpper().GetLower().CopyTo(sums[4..]);
    }
}
