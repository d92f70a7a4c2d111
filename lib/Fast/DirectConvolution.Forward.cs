using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CnnFromScratch.Fast;

internal static partial class DirectConvolution
{
    /// <summary>
    /// c[r·cStride + t] = bias[r] + Σ_p a[r·K + p] · x[offsets[p] + t] for r &lt; m, t &lt; length, K = offsets.Length
    /// (an empty bias means zero). Each sum runs over p in order, one multiply-add per term, at any vector width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShiftedProduct(ReadOnlySpan<float> a, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, ReadOnlySpan<int> offsets,
        Span<float> c, int m, int length, int cStride)
    {
        if (VectorWidth.Wide && length >= Lanes16.Count) ShiftedProduct16(a, bias, x, offsets, c, m, length, cStride);
        else if (Vector256.IsHardwareAccelerated && length >= Lanes8.Count) ShiftedProduct8(a, bias, x, offsets, c, m, length, cStride);
        else ShiftedProductScalar(a, bias, x, offsets, c, m, length, cStride);
    }

    // One method per width, compiled optimised from the first call like every hot loop here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShiftedProduct16(ReadOnlySpan<float> a, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, ReadOnlySpan<int> offsets,
        Span<float> c, int m, int length, int cStride) =>
        ShiftedProduct<Vector512<float>, Lanes16>(a, bias, x, offsets, c, m, length, cStride);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShiftedProduct8(ReadOnlySpan<float> a, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, ReadOnlySpan<int> offsets,
        Span<float> c, int m, int length, int cStride) =>
        ShiftedProduct<Vector256<float>, Lanes8>(a, bias, x, offsets, c, m, length, cStride);

    private static void ShiftedProductScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, ReadOnlySpan<int> offsets,
        Span<float> c, int m, int length, int cStride)
    {
        int kk = offsets.Length;
        for (int r = 0; r < m; r++)
            for (int t = 0; t < length; t++)
            {
                float sum = bias.IsEmpty ? 0f : bias[r];
                for (int p = 0; p < kk; p++) sum += a[r * kk + p] * x[offsets[p] + t];
                c[r * cStride + t] = sum;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ShiftedProduct<TV, TOps>(ReadOnlySpan<float> a, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, ReadOnlySpan<int> offsets,
        Span<float> c, int m, int length, int cStride) where TV : struct where TOps : struct, IVectorOps<TV>
    {
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref int or = ref MemoryMarshal.GetReference(offsets);
        ref float cr = ref MemoryMarshal.GetReference(c);
        // Rows in blocks of 3 when m is a multiple of 3 but not of 4 (6 filters: two full blocks) or m = 2 (the course
        // network: a 3-row tile computes one repeated row, a 4-row tile two), else of 4; the last block repeats its last
        // row rather than running a narrower tile (the repeats are computed, not stored).
        if (ThreeRowTiles(m))
            for (int r0 = 0; r0 < m; r0 += 3)
                for (int t = 0; t < length; t += 4 * TOps.Count)
                    ProductTile<TV, TOps, ThreeByFour>(ref ar, offsets.Length, bias, r0, m, ref xr, ref or, ref cr, cStride, t, length);
        else
            for (int r0 = 0; r0 < m; r0 += 4)
                for (int t = 0; t < length; t += 3 * TOps.Count)
                    ProductTile<TV, TOps, FourByThree>(ref ar, offsets.Length, bias, r0, m, ref xr, ref or, ref cr, cStride, t, length);
    }

    /// <summary>
    /// Rows r0 … r0+Rows−1 of c at Columns vectors from t, in Rows × Columns accumulators: every load of x feeds Rows
    /// filters and every broadcast weight feeds Columns vectors. The last vectors slide left to end at length (they
    /// rewrite equal values); rows past m repeat row m−1 and are not stored. Too large to inline (the JIT declines), so
    /// compiled optimised from its first call instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductTile<TV, TOps, TShape>(ref float a, int kk, ReadOnlySpan<float> bias, int r0, int m,
        ref float x, ref int offsets, ref float c, int cStride, int t, int length)
        where TV : struct where TOps : struct, IVectorOps<TV> where TShape : struct, ITileShape
    {
        int n = TOps.Count, last = length - n;
        int r1 = Math.Min(r0 + 1, m - 1), r2 = Math.Min(r0 + 2, m - 1), r3 = Math.Min(r0 + 3, m - 1);
        nuint t0 = (nuint)Math.Min(t, last), t1 = (nuint)Math.Min(t + n, last), t2 = (nuint)Math.Min(t + 2 * n, last);
        nuint t3 = (nuint)Math.Min(t + 3 * n, last);
        TV s00 = Bias<TV, TOps>(bias, r0), s01 = s00, s02 = s00, s03 = s00;
        TV s10 = Bias<TV, TOps>(bias, r1), s11 = s10, s12 = s10, s13 = s10;
        TV s20 = Bias<TV, TOps>(bias, r2), s21 = s20, s22 = s20, s23 = s20;
        TV s30 = TShape.Rows > 3 ? Bias<TV, TOps>(bias, r3) : default, s31 = s30, s32 = s30;
        ref float a0 = ref Unsafe.Add(ref a, r0 * kk);
        ref float a1 = ref Unsafe.Add(ref a, r1 * kk);
        ref float a2 = ref Unsafe.Add(ref a, r2 * kk);
        ref float a3 = ref Unsafe.Add(ref a, r3 * kk);
        for (int p = 0; p < kk; p++)
        {
            ref float xp = ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, p));
            TV x0 = TOps.Load(ref xp, t0), x1 = TOps.Load(ref xp, t1), x2 = TOps.Load(ref xp, t2);
            TV x3 = TShape.Columns > 3 ? TOps.Load(ref xp, t3) : default;
            TV w = TOps.Broadcast(Unsafe.Add(ref a0, p));
            s00 = TOps.MulAdd(x0, w, s00); s01 = TOps.MulAdd(x1, w, s01); s02 = TOps.MulAdd(x2, w, s02);
            if (TShape.Columns > 3) s03 = TOps.MulAdd(x3, w, s03);
            w = TOps.Broadcast(Unsafe.Add(ref a1, p));
            s10 = TOps.MulAdd(x0, w, s10); s11 = TOps.MulAdd(x1, w, s11); s12 = TOps.MulAdd(x2, w, s12);
            if (TShape.Columns > 3) s13 = TOps.MulAdd(x3, w, s13);
            w = TOps.Broadcast(Unsafe.Add(ref a2, p));
            s20 = TOps.MulAdd(x0, w, s20); s21 = TOps.MulAdd(x1, w, s21); s22 = TOps.MulAdd(x2, w, s22);
            if (TShape.Columns > 3) s23 = TOps.MulAdd(x3, w, s23);
            if (TShape.Rows > 3)
            {
                w = TOps.Broadcast(Unsafe.Add(ref a3, p));
                s30 = TOps.MulAdd(x0, w, s30); s31 = TOps.MulAdd(x1, w, s31); s32 = TOps.MulAdd(x2, w, s32);
            }
        }
        StoreRow<TV, TOps, TShape>(ref Unsafe.Add(ref c, r0 * cStride), s00, s01, s02, s03, t0, t1, t2, t3);
        if (r0 + 1 < m) StoreRow<TV, TOps, TShape>(ref Unsafe.Add(ref c, r1 * cStride), s10, s11, s12, s13, t0, t1, t2, t3);
        if (r0 + 2 < m) StoreRow<TV, TOps, TShape>(ref Unsafe.Add(ref c, r2 * cStride), s20, s21, s22, s23, t0, t1, t2, t3);
        if (TShape.Rows > 3 && r0 + 3 < m) StoreRow<TV, TOps, TShape>(ref Unsafe.Add(ref c, r3 * cStride), s30, s31, s32, default, t0, t1, t2, t3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TV, TOps, TShape>(ref float row, TV a, TV b, TV c, TV d, nuint t0, nuint t1, nuint t2, nuint t3)
        where TV : struct where TOps : struct, IVectorOps<TV> where TShape : struct, ITileShape
    {
        TOps.Store(a, ref row, t0); TOps.Store(b, ref row, t1); TOps.Store(c, ref row, t2);
        if (TShape.Columns > 3) TOps.Store(d, ref row, t3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Bias<TV, TOps>(ReadOnlySpan<float> bias, int r) where TV : struct where TOps : struct, IVectorOps<TV> =>
        bias.IsEmpty ? TOps.Zero : TOps.Broadcast(bias[r]);

    /// <summary>Tiles of 3 rows × 4 columns waste fewer multiply-adds than 4 × 3 for these row counts.</summary>
    private static bool ThreeRowTiles(int m) => m % 4 != 0 && (m % 3 == 0 || m == 2);

    /// <summary>
    /// The rows × columns of a register tile, 12 accumulators either way (of 16 AVX or 32 AVX-512 registers): filters ×
    /// vectors of t in the product (<see cref="ProductTile"/>), filters × views of x in the dot products (<see cref="DotTile"/>).
    /// </summary>
    private interface ITileShape
    {
        static abstract int Rows { get; }
        static abstract int Columns { get; }
    }

    private readonly struct FourByThree : ITileShape
    {
        public static int Rows => 4;
        public static int Columns => 3;
    }

    private readonly struct ThreeByFour : ITileShape
    {
        public static int Rows => 3;
        public static int Columns => 4;
    }
}
