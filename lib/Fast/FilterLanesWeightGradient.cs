using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CnnFromScratch.Fast;

/// <summary>
/// ∂J/∂W of a stride-1 convolution with the filters in the vector lanes: for every row p = (c,u,v) of the shifted im2col
/// matrix, ∂J/∂W[·, p] += Σ_{i,j} δ[·, i, j] · x[c, i+u, j+v], where δ[·, i, j] is the vector of the O filters' δ at output
/// (i, j). One sample at a time; the sums go into Wᵀ (C·k·k × O₈, O rounded up to a multiple of 8), which the caller
/// adds to ∂J/∂W once per chunk of samples (<see cref="AddTransposed"/>).
/// </summary>
/// <remarks>
/// Why not the dot products of <see cref="DirectConvolution.AddWeightGradient"/>: with 8 or more filters those need a
/// horizontal sum per (o, p) after every sample (on LeNet-5's second layer after only 17 vectors), and their loads of the
/// shifted views straddle cache lines. Here every multiply-add takes one aligned vector of δ (δ transposed to
/// position-major order first) and one broadcast pixel; 12 accumulators (2 vectors of filters × 6 rows p, or 1 × 12)
/// stay in registers over all of a sample's OH·OW output positions; and the wrapped columns of the wide layout are never
/// visited. ConvolutionFast uses it where it measured faster (LeNet-5's second layer, 16 filters).
/// </remarks>
internal static class FilterLanesWeightGradient
{
    private const int Lanes = 8; // floats per Vector256

    /// <summary>O rounded up to a whole number of vectors: the row length of Wᵀ and of δᵀ.</summary>
    public static int PaddedFilters(int outChannels) => (outChannels + Lanes - 1) / Lanes * Lanes;

    /// <summary>
    /// wT (C·k·k × O₈) += the ∂J/∂W of one sample, transposed: x is C×H×W (padded), δ is O×OH×OW. Scratch:
    /// <paramref name="deltaT"/> of OH·OW·O₈ floats, <paramref name="offsets"/> of C·k·k ints.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> x, int channels, int height, int width, ReadOnlySpan<float> delta, int outChannels, int k,
        Span<float> wT, Span<float> deltaT, Span<int> offsets)
    {
        int oh = height - k + 1, ow = width - k + 1, o8 = PaddedFilters(outChannels), kk = channels * k * k, positions = oh * ow;
        _ = x[channels * height * width - 1];
        delta = delta[..(outChannels * positions)];
        wT = wT[..(kk * o8)];
        deltaT = deltaT[..(positions * o8)];
        offsets = offsets[..kk];
        // δᵀ[q, o] = δ[o, q], zero in the lanes beyond O
        if (o8 != outChannels) deltaT.Clear();
        for (int q = 0; q < positions; q++)
            for (int o = 0; o < outChannels; o++) deltaT[q * o8 + o] = delta[o * positions + q];
        for (int c = 0, p = 0; c < channels; c++)
            for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++) offsets[p++] = (c * height + u) * width + v;
        if (!Vector256.IsHardwareAccelerated)
        {
            for (int p = 0; p < kk; p++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                        Simd.MultiplyAdd(x[offsets[p] + i * width + j], deltaT.Slice((i * ow + j) * o8, o8), wT.Slice(p * o8, o8));
            return;
        }
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(deltaT);
        ref float wr = ref MemoryMarshal.GetReference(wT);
        ref int or = ref MemoryMarshal.GetReference(offsets);
        for (int ob = 0; ob < o8; ob += 2 * Lanes)
        {
            if (ob + 2 * Lanes <= o8)
                for (int p0 = 0; p0 < kk; p0 += 6) Tile2x6(ref xr, width, oh, ow, ref Unsafe.Add(ref dr, ob), o8, ref or, kk, p0, ref Unsafe.Add(ref wr, ob));
            else
                for (int p0 = 0; p0 < kk; p0 += 12) Tile1x12(ref xr, width, oh, ow, ref Unsafe.Add(ref dr, ob), o8, ref or, kk, p0, ref Unsafe.Add(ref wr, ob));
        }
    }

    /// <summary>dW (O×C·k·k) += the first O lanes of wT (C·k·k × O₈), transposed back.</summary>
    public static void AddTransposed(ReadOnlySpan<float> wT, int outChannels, int kk, Span<float> dW)
    {
        int o8 = PaddedFilters(outChannels);
        for (int o = 0; o < outChannels; o++)
            for (int p = 0; p < kk; p++) dW[o * kk + p] += wT[p * o8 + o];
    }

    // Two vectors of filters (16 lanes from ob) × rows p0 … p0+5; a last tile past C·k·k repeats its last row, never stored twice.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2x6(ref float x, int width, int oh, int ow, ref float d, int o8, ref int offsets, int kk, int p0, ref float wT)
    {
        int f0 = Unsafe.Add(ref offsets, p0), f1 = Unsafe.Add(ref offsets, Math.Min(p0 + 1, kk - 1)), f2 = Unsafe.Add(ref offsets, Math.Min(p0 + 2, kk - 1));
        int f3 = Unsafe.Add(ref offsets, Math.Min(p0 + 3, kk - 1)), f4 = Unsafe.Add(ref offsets, Math.Min(p0 + 4, kk - 1)), f5 = Unsafe.Add(ref offsets, Math.Min(p0 + 5, kk - 1));
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0;
        for (int i = 0; i < oh; i++)
        {
            ref float xi = ref Unsafe.Add(ref x, i * width);
            ref float di = ref Unsafe.Add(ref d, i * ow * o8);
            for (int j = 0; j < ow; j++)
            {
                ref float dj = ref Unsafe.Add(ref di, j * o8);
                var e0 = Vector256.LoadUnsafe(ref dj);
                var e1 = Vector256.LoadUnsafe(ref dj, Lanes);
                ref float xj = ref Unsafe.Add(ref xi, j);
                var v = Vector256.Create(Unsafe.Add(ref xj, f0)); a0 = Simd.MulAdd(e0, v, a0); b0 = Simd.MulAdd(e1, v, b0);
                v = Vector256.Create(Unsafe.Add(ref xj, f1)); a1 = Simd.MulAdd(e0, v, a1); b1 = Simd.MulAdd(e1, v, b1);
                v = Vector256.Create(Unsafe.Add(ref xj, f2)); a2 = Simd.MulAdd(e0, v, a2); b2 = Simd.MulAdd(e1, v, b2);
                v = Vector256.Create(Unsafe.Add(ref xj, f3)); a3 = Simd.MulAdd(e0, v, a3); b3 = Simd.MulAdd(e1, v, b3);
                v = Vector256.Create(Unsafe.Add(ref xj, f4)); a4 = Simd.MulAdd(e0, v, a4); b4 = Simd.MulAdd(e1, v, b4);
                v = Vector256.Create(Unsafe.Add(ref xj, f5)); a5 = Simd.MulAdd(e0, v, a5); b5 = Simd.MulAdd(e1, v, b5);
            }
        }
        int rows = Math.Min(6, kk - p0);
        AddRow(ref wT, p0 * o8, a0, b0);
        if (rows > 1) AddRow(ref wT, (p0 + 1) * o8, a1, b1);
        if (rows > 2) AddRow(ref wT, (p0 + 2) * o8, a2, b2);
        if (rows > 3) AddRow(ref wT, (p0 + 3) * o8, a3, b3);
        if (rows > 4) AddRow(ref wT, (p0 + 4) * o8, a4, b4);
        if (rows > 5) AddRow(ref wT, (p0 + 5) * o8, a5, b5);
    }

    // One vector of filters (8 lanes from ob) × rows p0 … p0+11.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x12(ref float x, int width, int oh, int ow, ref float d, int o8, ref int offsets, int kk, int p0, ref float wT)
    {
        Span<int> f = stackalloc int[12];
        for (int r = 0; r < 12; r++) f[r] = Unsafe.Add(ref offsets, Math.Min(p0 + r, kk - 1));
        int f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4], f5 = f[5], f6 = f[6], f7 = f[7], f8 = f[8], f9 = f[9], f10 = f[10], f11 = f[11];
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < oh; i++)
        {
            ref float xi = ref Unsafe.Add(ref x, i * width);
            ref float di = ref Unsafe.Add(ref d, i * ow * o8);
            for (int j = 0; j < ow; j++)
            {
                var e = Vector256.LoadUnsafe(ref Unsafe.Add(ref di, j * o8));
                ref float xj = ref Unsafe.Add(ref xi, j);
                a0 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f0)), a0);
                a1 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f1)), a1);
                a2 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f2)), a2);
                a3 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f3)), a3);
                a4 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f4)), a4);
                a5 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f5)), a5);
                a6 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f6)), a6);
                a7 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f7)), a7);
                a8 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f8)), a8);
                a9 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f9)), a9);
                a10 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f10)), a10);
                a11 = Simd.MulAdd(e, Vector256.Create(Unsafe.Add(ref xj, f11)), a11);
            }
        }
        int rows = Math.Min(12, kk - p0);
        AddRow(ref wT, p0 * o8, a0);
        if (rows > 1) AddRow(ref wT, (p0 + 1) * o8, a1);
        if (rows > 2) AddRow(ref wT, (p0 + 2) * o8, a2);
        if (rows > 3) AddRow(ref wT, (p0 + 3) * o8, a3);
        if (rows > 4) AddRow(ref wT, (p0 + 4) * o8, a4);
        if (rows > 5) AddRow(ref wT, (p0 + 5) * o8, a5);
        if (rows > 6) AddRow(ref wT, (p0 + 6) * o8, a6);
        if (rows > 7) AddRow(ref wT, (p0 + 7) * o8, a7);
        if (rows > 8) AddRow(ref wT, (p0 + 8) * o8, a8);
        if (rows > 9) AddRow(ref wT, (p0 + 9) * o8, a9);
        if (rows > 10) AddRow(ref wT, (p0 + 10) * o8, a10);
        if (rows > 11) AddRow(ref wT, (p0 + 11) * o8, a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ref float wT, int at, Vector256<float> a)
    {
        ref float r = ref Unsafe.Add(ref wT, at);
        (Vector256.LoadUnsafe(ref r) + a).StoreUnsafe(ref r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ref float wT, int at, Vector256<float> a, Vector256<float> b)
    {
        ref float r = ref Unsafe.Add(ref wT, at);
        (Vector256.LoadUnsafe(ref r) + a).StoreUnsafe(ref r);
        (Vector256.LoadUnsafe(ref r, Lanes) + b).StoreUnsafe(ref r, Lanes);
    }
}
