using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CnnFromScratch.Fast;

/// <summary>
/// ∂J/∂W of a stride-1 convolution with the filters in the vector lanes: for every row p = (c,u,v) of the shifted im2col
/// matrix, ∂J/∂W[·, p] += Σ_i Σ_j δ[·, i, j] · x[c, i+u, j+v], where δ[·, i, j] is the vector of the filters' δ at output
/// (i, j). The sums go into Wᵀ (C·k·k rows of O₁₆ floats, O rounded up to a multiple of 16), which the caller adds to
/// ∂J/∂W in chunk order (<see cref="AddTransposed"/>).
/// </summary>
/// <remarks>
/// Why not the dot products of <see cref="DirectConvolution.AddWeightGradient"/> with many filters: those read the wide
/// layout (LeNet-5's second layer: 136 columns for 100 outputs) and need a horizontal sum per weight after every sample.
/// Here every multiply-add takes one aligned vector of δ (δ transposed to position-major order first) and one broadcast
/// pixel, 12 accumulators stay in registers over all of a sample's OH·OW outputs, and the wrapped columns are never
/// visited. Each weight's sum runs over the outputs in row order, one fused multiply-add each, starting from zero for
/// every sample: the same bits with 8-float vectors (two per 16 filters) as with 16-float ones (one).
/// </remarks>
internal static class FilterLanesWeightGradient
{
    private const int Block = 16; // filters per block: one 16-float vector or two 8-float ones

    /// <summary>ConvolutionFast uses this kernel from this many filters on (below, a block would be mostly padding).</summary>
    public const int MinFilters = 16;

    /// <summary>O rounded up to whole blocks of 16: the row length of Wᵀ and of δᵀ.</summary>
    public static int PaddedFilters(int outChannels) => (outChannels + Block - 1) / Block * Block;

    /// <summary>The scratch floats of δᵀ for O filters of OH×OW outputs.</summary>
    public static int TransposedDeltaLength(int outChannels, int outPixels) => outPixels * PaddedFilters(outChannels);

    /// <summary>
    /// wT (C·k·k × O₁₆) += the ∂J/∂W of one sample, transposed: x is C×H×W (padded), δ is O×OH×OW. Scratch:
    /// <paramref name="deltaT"/> of <see cref="TransposedDeltaLength"/> floats, <paramref name="offsets"/> of C·k·k ints.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> x, int channels, int height, int width, ReadOnlySpan<float> delta, int outChannels, int k,
        Span<float> wT, Span<float> deltaT, Span<int> offsets)
    {
        int oh = height - k + 1, ow = width - k + 1, o16 = PaddedFilters(outChannels), kk = channels * k * k, positions = oh * ow;
        _ = x[channels * height * width - 1];
        delta = delta[..(outChannels * positions)];
        wT = wT[..(kk * o16)];
        deltaT = deltaT[..(positions * o16)];
        Transpose(delta, outChannels, positions, o16, deltaT);
        offsets = DirectConvolution.Offsets(channels, height, width, k, offsets);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(deltaT);
        ref float wr = ref MemoryMarshal.GetReference(wT);
        ref int or = ref MemoryMarshal.GetReference(offsets);
        for (int ob = 0; ob < o16; ob += Block)
            for (int p0 = 0; p0 < kk; p0 += 12)
            {
                if (VectorWidth.Wide)
                    Tile<Vector512<float>, Lanes16>(ref xr, width, oh, ow, ref Unsafe.Add(ref dr, ob), o16, ref or, kk, p0, ref Unsafe.Add(ref wr, ob));
                else
                    Tile<Vector256<float>, Lanes8>(ref xr, width, oh, ow, ref Unsafe.Add(ref dr, ob), o16, ref or, kk, p0, ref Unsafe.Add(ref wr, ob));
            }
    }

    /// <summary>
    /// dW (O×C·k·k) += the first O lanes of each chunk's wT (C·k·k × O₁₆) in chunk order: dW transposed into
    /// <paramref name="scratch"/> (C·k·k·O₁₆ floats), the partial sums added a vector at a time, and transposed back; each
    /// weight gets the same additions in the same order as one addition per chunk straight into dW.
    /// </summary>
    public static void AddTransposed(ReadOnlySpan<float> partials, int chunks, int chunkStride, int outChannels, int kk, Span<float> dW,
        Span<float> scratch)
    {
        int o16 = PaddedFilters(outChannels), length = kk * o16;
        Span<float> t = scratch[..length];
        _ = dW[outChannels * kk - 1];
        for (int o = 0; o < outChannels; o++)
            for (int p = 0; p < kk; p++) t[p * o16 + o] = dW[o * kk + p];
        for (int chunk = 0; chunk < chunks; chunk++) Simd.MultiplyAdd(1f, partials.Slice(chunk * chunkStride, length), t);
        for (int o = 0; o < outChannels; o++)
            for (int p = 0; p < kk; p++) dW[o * kk + p] = t[p * o16 + o];
    }

    /// <summary>δᵀ[q, o] = δ[o, q], zero in the lanes from O to O₁₆.</summary>
    private static void Transpose(ReadOnlySpan<float> delta, int outChannels, int positions, int o16, Span<float> deltaT)
    {
        // Rows of δᵀ in order, each gathered from the O planes: the writes stay sequential (column by column, they
        // would touch a new cache line each and, on a 3×3 layer with 32 filters, cost ten times the products).
        for (int q = 0; q < positions; q++)
        {
            Span<float> row = deltaT.Slice(q * o16, o16);
            for (int o = 0; o < outChannels; o++) row[o] = delta[o * positions + q];
            row[outChannels..].Clear();
        }
    }

    // 16 filters (ob…ob+15) × the 12 rows p0…p0+11 of Wᵀ: 12 accumulators of 16 floats, as 12 vectors of 16 or as 6 rows
    // × 2 vectors of 8 (the last tile past C·k·k repeats its last row and stores it once). Too large to inline; compiled
    // optimised from the first call, like the other kernels.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TV, TOps>(ref float x, int width, int oh, int ow, ref float d, int o16, ref int offsets, int kk, int p0, ref float wT)
        where TV : struct where TOps : struct, IVectorOps<TV>
    {
        bool wide = TOps.Count == Block;
        int rows = wide ? 12 : 6;
        for (int r0 = p0; r0 < Math.Min(p0 + 12, kk); r0 += rows)
        {
            nint f0 = Row(ref offsets, r0, kk), f1 = Row(ref offsets, r0 + 1, kk), f2 = Row(ref offsets, r0 + 2, kk);
            nint f3 = Row(ref offsets, r0 + 3, kk), f4 = Row(ref offsets, r0 + 4, kk), f5 = Row(ref offsets, r0 + 5, kk);
            nint f6 = Row(ref offsets, r0 + 6, kk), f7 = Row(ref offsets, r0 + 7, kk), f8 = Row(ref offsets, r0 + 8, kk);
            nint f9 = Row(ref offsets, r0 + 9, kk), f10 = Row(ref offsets, r0 + 10, kk), f11 = Row(ref offsets, r0 + 11, kk);
            // 16 lanes: a_r is row r0 + r. 8 lanes: a_r (r < 6) holds filters 0–7 of row r0 + r, a_{r+6} filters 8–15.
            TV a0 = TOps.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
            for (int i = 0; i < oh; i++)
            {
                ref float xi = ref Unsafe.Add(ref x, i * width);
                ref float di = ref Unsafe.Add(ref d, i * ow * o16);
                for (nint j = 0; j < ow; j++)
                {
                    ref float xj = ref Unsafe.Add(ref xi, j);
                    ref float dj = ref Unsafe.Add(ref di, j * o16);
                    if (wide)
                    {
                        TV e = TOps.Load(ref dj, 0);
                        a0 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f0)), a0);
                        a1 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f1)), a1);
                        a2 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f2)), a2);
                        a3 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f3)), a3);
                        a4 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f4)), a4);
                        a5 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f5)), a5);
                        a6 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f6)), a6);
                        a7 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f7)), a7);
                        a8 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f8)), a8);
                        a9 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f9)), a9);
                        a10 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f10)), a10);
                        a11 = TOps.MulAdd(e, TOps.Broadcast(Unsafe.Add(ref xj, f11)), a11);
                    }
                    else
                    {
                        TV e0 = TOps.Load(ref dj, 0), e1 = TOps.Load(ref dj, (nuint)TOps.Count);
                        TV v = TOps.Broadcast(Unsafe.Add(ref xj, f0)); a0 = TOps.MulAdd(e0, v, a0); a6 = TOps.MulAdd(e1, v, a6);
                        v = TOps.Broadcast(Unsafe.Add(ref xj, f1)); a1 = TOps.MulAdd(e0, v, a1); a7 = TOps.MulAdd(e1, v, a7);
                        v = TOps.Broadcast(Unsafe.Add(ref xj, f2)); a2 = TOps.MulAdd(e0, v, a2); a8 = TOps.MulAdd(e1, v, a8);
                        v = TOps.Broadcast(Unsafe.Add(ref xj, f3)); a3 = TOps.MulAdd(e0, v, a3); a9 = TOps.MulAdd(e1, v, a9);
                        v = TOps.Broadcast(Unsafe.Add(ref xj, f4)); a4 = TOps.MulAdd(e0, v, a4); a10 = TOps.MulAdd(e1, v, a10);
                        v = TOps.Broadcast(Unsafe.Add(ref xj, f5)); a5 = TOps.MulAdd(e0, v, a5); a11 = TOps.MulAdd(e1, v, a11);
                    }
                }
            }
            int count = Math.Min(rows, kk - r0);
            if (wide)
            {
                AddRow<TV, TOps>(ref wT, r0, o16, 0, a0); if (count > 1) AddRow<TV, TOps>(ref wT, r0 + 1, o16, 0, a1);
                if (count > 2) AddRow<TV, TOps>(ref wT, r0 + 2, o16, 0, a2); if (count > 3) AddRow<TV, TOps>(ref wT, r0 + 3, o16, 0, a3);
                if (count > 4) AddRow<TV, TOps>(ref wT, r0 + 4, o16, 0, a4); if (count > 5) AddRow<TV, TOps>(ref wT, r0 + 5, o16, 0, a5);
                if (count > 6) AddRow<TV, TOps>(ref wT, r0 + 6, o16, 0, a6); if (count > 7) AddRow<TV, TOps>(ref wT, r0 + 7, o16, 0, a7);
                if (count > 8) AddRow<TV, TOps>(ref wT, r0 + 8, o16, 0, a8); if (count > 9) AddRow<TV, TOps>(ref wT, r0 + 9, o16, 0, a9);
                if (count > 10) AddRow<TV, TOps>(ref wT, r0 + 10, o16, 0, a10); if (count > 11) AddRow<TV, TOps>(ref wT, r0 + 11, o16, 0, a11);
            }
            else
            {
                nuint half = (nuint)TOps.Count;
                AddRow<TV, TOps>(ref wT, r0, o16, 0, a0); AddRow<TV, TOps>(ref wT, r0, o16, half, a6);
                if (count > 1) { AddRow<TV, TOps>(ref wT, r0 + 1, o16, 0, a1); AddRow<TV, TOps>(ref wT, r0 + 1, o16, half, a7); }
                if (count > 2) { AddRow<TV, TOps>(ref wT, r0 + 2, o16, 0, a2); AddRow<TV, TOps>(ref wT, r0 + 2, o16, half, a8); }
                if (count > 3) { AddRow<TV, TOps>(ref wT, r0 + 3, o16, 0, a3); AddRow<TV, TOps>(ref wT, r0 + 3, o16, half, a9); }
                if (count > 4) { AddRow<TV, TOps>(ref wT, r0 + 4, o16, 0, a4); AddRow<TV, TOps>(ref wT, r0 + 4, o16, half, a10); }
                if (count > 5) { AddRow<TV, TOps>(ref wT, r0 + 5, o16, 0, a5); AddRow<TV, TOps>(ref wT, r0 + 5, o16, half, a11); }
            }
        }
    }

    // The offset of row r of the shifted im2col matrix; rows past the last repeat it (their sums are not stored).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row(ref int offsets, int r, int kk) => Unsafe.Add(ref offsets, Math.Min(r, kk - 1));

    // wT[row, lane…] += sum: one addition per weight, after the sample's whole sum (the same at either width).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow<TV, TOps>(ref float wT, int row, int o16, nuint lane, TV sum) where TV : struct where TOps : struct, IVectorOps<TV>
    {
        ref float at = ref Unsafe.Add(ref wT, row * o16);
        TOps.Store(TOps.Add(TOps.Load(ref at, lane), sum), ref at, lane);
    }
}
