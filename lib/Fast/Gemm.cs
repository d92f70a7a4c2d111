using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CnnFromScratch.Fast;

/// <summary>
/// The matrix products of the fast kernels (Dense, and the im2col convolution), on row-major spans.
/// </summary>
/// <remarks>
/// Both products work on small register tiles so that every value loaded from memory feeds several multiply-adds:
/// <see cref="MultiplyAdd"/> keeps a 4×16 tile of C (4×32 with 16-float vectors) in eight vector registers while it
/// walks the shared dimension (one row of B, two loads, serves four rows of A), and <see cref="MultiplyTransposedAdd"/> computes a 4×2 tile of dot
/// products at once (six loads per eight multiply-adds). Tiles walk C column block by column block, so the k×16 panel of B
/// stays in the L1 cache while every row block of A passes over it. Edges use narrower tiles and plain loops.
/// </remarks>
internal static class Gemm
{
    private const int Lanes = 8;

    /// <summary>
    /// C (m×n) += A (m×k) · B (k×n), reading A[i, p] at a[i·<paramref name="aRowStride"/> + p·<paramref name="aColumnStride"/>]
    /// so that a transposed A (row stride 1, column stride m) costs no copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        if (m == 0 || n == 0 || k == 0) return;
        _ = a[(m - 1) * aRowStride + (k - 1) * aColumnStride]; // bounds checked once; the tiles index through refs
        _ = b[k * n - 1];
        _ = c[m * n - 1];
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float cr = ref MemoryMarshal.GetReference(c);
        int j = 0;
        if (VectorWidth.Wide) // 4×32 tiles of 16-float vectors: the same sums in the same order, twice the columns per instruction
            for (; j + 4 * Lanes <= n; j += 4 * Lanes)
            {
                int i = 0;
                for (; i + 4 <= m; i += 4) Tile4Rows2Vectors<Vector512<float>, Lanes16>(ref ar, aRowStride, aColumnStride, ref br, ref cr, i, j, k, n);
                for (; i < m; i++)
                {
                    Tile1x16(ref ar, aRowStride, aColumnStride, ref br, ref cr, i, j, k, n);
                    Tile1x16(ref ar, aRowStride, aColumnStride, ref br, ref cr, i, j + 2 * Lanes, k, n);
                }
            }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 2 * Lanes <= n; j += 2 * Lanes)
            {
                int i = 0;
                for (; i + 4 <= m; i += 4) Tile4Rows2Vectors<Vector256<float>, Lanes8>(ref ar, aRowStride, aColumnStride, ref br, ref cr, i, j, k, n);
                for (; i < m; i++) Tile1x16(ref ar, aRowStride, aColumnStride, ref br, ref cr, i, j, k, n);
            }
            for (; j + Lanes <= n; j += Lanes)
                for (int i = 0; i < m; i++) Tile1x8(ref ar, aRowStride, aColumnStride, ref br, ref cr, i, j, k, n);
        }
        for (; j < n; j++) // the last n mod 8 columns
            for (int i = 0; i < m; i++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++) sum += Unsafe.Add(ref ar, i * aRowStride + p * aColumnStride) * Unsafe.Add(ref br, p * n + j);
                Unsafe.Add(ref cr, i * n + j) += sum;
            }
    }

    /// <summary>C (m×n) += A (m×k) · Bᵀ for B stored n×k: each element is the dot product of a row of A and a row of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposedAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        if (m == 0 || n == 0 || k == 0) return;
        _ = a[m * k - 1];
        _ = b[n * k - 1];
        _ = c[m * n - 1];
        int i = 0;
        if (Vector256.IsHardwareAccelerated && k >= Lanes)
        {
            ref float ar = ref MemoryMarshal.GetReference(a);
            ref float br = ref MemoryMarshal.GetReference(b);
            ref float cr = ref MemoryMarshal.GetReference(c);
            for (; i + 4 <= m; i += 4)
            {
                int j = 0;
                for (; j + 2 <= n; j += 2) DotTile4x2(ref ar, ref br, ref cr, i, j, k, n);
                for (; j < n; j++)
                    for (int r = 0; r < 4; r++) c[(i + r) * n + j] += Simd.Dot(a.Slice((i + r) * k, k), b.Slice(j * k, k));
            }
        }
        for (; i < m; i++)
        {
            ReadOnlySpan<float> aRow = a.Slice(i * k, k);
            for (int j = 0; j < n; j++) c[i * n + j] += Simd.Dot(aRow, b.Slice(j * k, k));
        }
    }

    // C[i..i+4, j..j+2n] += A[i..i+4, :] · B[:, j..j+2n] for vectors of n floats (4×16 with 8, 4×32 with 16): each element
    // summed over p in order from its value in C, one fused multiply-add per term, so both widths give the same bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4Rows2Vectors<TV, TOps>(ref float a, int rs, int cs, ref float b, ref float c, int i, int j, int k, int n)
        where TV : struct where TOps : struct, IVectorOps<TV>
    {
        nuint w = (nuint)TOps.Count;
        ref float c0 = ref Unsafe.Add(ref c, i * n + j);
        ref float c1 = ref Unsafe.Add(ref c0, n);
        ref float c2 = ref Unsafe.Add(ref c1, n);
        ref float c3 = ref Unsafe.Add(ref c2, n);
        TV s00 = TOps.Load(ref c0, 0), s01 = TOps.Load(ref c0, w), s10 = TOps.Load(ref c1, 0), s11 = TOps.Load(ref c1, w);
        TV s20 = TOps.Load(ref c2, 0), s21 = TOps.Load(ref c2, w), s30 = TOps.Load(ref c3, 0), s31 = TOps.Load(ref c3, w);
        ref float a0 = ref Unsafe.Add(ref a, i * rs);
        ref float bj = ref Unsafe.Add(ref b, j);
        for (int p = 0; p < k; p++)
        {
            ref float bp = ref Unsafe.Add(ref bj, p * n);
            TV b0 = TOps.Load(ref bp, 0), b1 = TOps.Load(ref bp, w);
            ref float ap = ref Unsafe.Add(ref a0, p * cs);
            TV x = TOps.Broadcast(ap);
            s00 = TOps.MulAdd(x, b0, s00); s01 = TOps.MulAdd(x, b1, s01);
            x = TOps.Broadcast(Unsafe.Add(ref ap, rs));
            s10 = TOps.MulAdd(x, b0, s10); s11 = TOps.MulAdd(x, b1, s11);
            x = TOps.Broadcast(Unsafe.Add(ref ap, 2 * rs));
            s20 = TOps.MulAdd(x, b0, s20); s21 = TOps.MulAdd(x, b1, s21);
            x = TOps.Broadcast(Unsafe.Add(ref ap, 3 * rs));
            s30 = TOps.MulAdd(x, b0, s30); s31 = TOps.MulAdd(x, b1, s31);
        }
        TOps.Store(s00, ref c0, 0); TOps.Store(s01, ref c0, w); TOps.Store(s10, ref c1, 0); TOps.Store(s11, ref c1, w);
        TOps.Store(s20, ref c2, 0); TOps.Store(s21, ref c2, w); TOps.Store(s30, ref c3, 0); TOps.Store(s31, ref c3, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1x16(ref float a, int rs, int cs, ref float b, ref float c, int i, int j, int k, int n)
    {
        ref float c0 = ref Unsafe.Add(ref c, i * n + j);
        Vector256<float> s0 = Vector256.LoadUnsafe(ref c0), s1 = Vector256.LoadUnsafe(ref c0, Lanes);
        ref float a0 = ref Unsafe.Add(ref a, i * rs);
        ref float bj = ref Unsafe.Add(ref b, j);
        for (int p = 0; p < k; p++)
        {
            ref float bp = ref Unsafe.Add(ref bj, p * n);
            var x = Vector256.Create(Unsafe.Add(ref a0, p * cs));
            s0 = Simd.MulAdd(x, Vector256.LoadUnsafe(ref bp), s0);
            s1 = Simd.MulAdd(x, Vector256.LoadUnsafe(ref bp, Lanes), s1);
        }
        s0.StoreUnsafe(ref c0); s1.StoreUnsafe(ref c0, Lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1x8(ref float a, int rs, int cs, ref float b, ref float c, int i, int j, int k, int n)
    {
        ref float c0 = ref Unsafe.Add(ref c, i * n + j);
        Vector256<float> s = Vector256.LoadUnsafe(ref c0);
        ref float a0 = ref Unsafe.Add(ref a, i * rs);
        ref float bj = ref Unsafe.Add(ref b, j);
        for (int p = 0; p < k; p++)
            s = Simd.MulAdd(Vector256.Create(Unsafe.Add(ref a0, p * cs)), Vector256.LoadUnsafe(ref bj, (nuint)(p * n)), s);
        s.StoreUnsafe(ref c0);
    }

    // C[i..i+4, j..j+2] += dot products of rows i..i+3 of A with rows j, j+1 of B.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotTile4x2(ref float a, ref float b, ref float c, int i, int j, int k, int n)
    {
        ref float a0 = ref Unsafe.Add(ref a, i * k);
        ref float a1 = ref Unsafe.Add(ref a0, k);
        ref float a2 = ref Unsafe.Add(ref a1, k);
        ref float a3 = ref Unsafe.Add(ref a2, k);
        ref float b0 = ref Unsafe.Add(ref b, j * k);
        ref float b1 = ref Unsafe.Add(ref b0, k);
        Vector256<float> s00 = Vector256<float>.Zero, s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        int p = 0;
        for (; p + Lanes <= k; p += Lanes)
        {
            var y0 = Vector256.LoadUnsafe(ref b0, (nuint)p);
            var y1 = Vector256.LoadUnsafe(ref b1, (nuint)p);
            var x = Vector256.LoadUnsafe(ref a0, (nuint)p);
            s00 = Simd.MulAdd(x, y0, s00); s01 = Simd.MulAdd(x, y1, s01);
            x = Vector256.LoadUnsafe(ref a1, (nuint)p);
            s10 = Simd.MulAdd(x, y0, s10); s11 = Simd.MulAdd(x, y1, s11);
            x = Vector256.LoadUnsafe(ref a2, (nuint)p);
            s20 = Simd.MulAdd(x, y0, s20); s21 = Simd.MulAdd(x, y1, s21);
            x = Vector256.LoadUnsafe(ref a3, (nuint)p);
            s30 = Simd.MulAdd(x, y0, s30); s31 = Simd.MulAdd(x, y1, s31);
        }
        float t00 = Vector256.Sum(s00), t01 = Vector256.Sum(s01), t10 = Vector256.Sum(s10), t11 = Vector256.Sum(s11);
        float t20 = Vector256.Sum(s20), t21 = Vector256.Sum(s21), t30 = Vector256.Sum(s30), t31 = Vector256.Sum(s31);
        for (; p < k; p++) // the last k mod 8 terms
        {
            float y0 = Unsafe.Add(ref b0, p), y1 = Unsafe.Add(ref b1, p);
            float x0 = Unsafe.Add(ref a0, p), x1 = Unsafe.Add(ref a1, p), x2 = Unsafe.Add(ref a2, p), x3 = Unsafe.Add(ref a3, p);
            t00 += x0 * y0; t01 += x0 * y1; t10 += x1 * y0; t11 += x1 * y1;
            t20 += x2 * y0; t21 += x2 * y1; t30 += x3 * y0; t31 += x3 * y1;
        }
        ref float c0 = ref Unsafe.Add(ref c, i * n + j);
        c0 += t00; Unsafe.Add(ref c0, 1) += t01;
        ref float c1 = ref Unsafe.Add(ref c0, n);
        c1 += t10; Unsafe.Add(ref c1, 1) += t11;
        ref float c2 = ref Unsafe.Add(ref c1, n);
        c2 += t20; Unsafe.Add(ref c2, 1) += t21;
        ref float c3 = ref Unsafe.Add(ref c2, n);
        c3 += t30; Unsafe.Add(ref c3, 1) += t31;
    }
}
