using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

internal static partial class DirectConvolution
{
    /// <summary>The floats of scratch <see cref="InputGradient"/> needs beyond the C×H×W of the padded input.</summary>
    public const int InputGradientSlack = 64;

    // δ_wide's rows are padded with zeros to whole tiles of 48 columns (two 8-float tiles, or one 16-float tile).
    private const int ScatterTileColumns = 48;

    /// <summary>The scratch floats (wideDelta) <see cref="InputGradient"/> needs for O filters of OH output rows on W-wide input rows.</summary>
    public static int InputGradientScratch(int outChannels, int oh, int width) =>
        outChannels * ((oh * width + ScatterTileColumns - 1) / ScatterTileColumns * ScatterTileColumns);

    /// <summary>
    /// dx̃ (C×H×W, the padded input's coordinates) = Σ_o Σ_u Σ_v w[o,c,u,v] · δ[o, y−u, x−v] for one sample, the adjoint of
    /// <see cref="Correlate"/>: every δ goes back onto the k×k pixels its window read. <paramref name="dx"/> needs
    /// C·H·W + <see cref="InputGradientSlack"/> floats (it is cleared here; the slack absorbs the last tile);
    /// <paramref name="wideDelta"/> is scratch of <see cref="InputGradientScratch"/> floats, <paramref name="offsets"/> of C·k·k ints.
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
        int stride = InputGradientScratch(1, oh, width); // whole tiles of t, zeros beyond oh·W
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
        if (VectorWidth.Wide)
        {
            Span<Vector512<float>> sums = stackalloc Vector512<float>[20]; // a tile's 12 sums, then 8 for one half
            for (int p0 = 0; p0 < kk; p0 += 4)
                for (int t = 0; t < length; t += 6 * Lanes)
                {
                    ScatterSums<Vector512<float>, Lanes16>(ref dr, stride, ref wr, kk, outChannels, p0, Math.Min(4, kk - p0), t, sums);
                    AddTile16(ref xr, ref Unsafe.Add(ref or, p0), Math.Min(4, kk - p0), t, length, sums);
                }
        }
        else
        {
            Span<Vector256<float>> sums = stackalloc Vector256<float>[12];
            for (int p0 = 0; p0 < kk; p0 += 4)
                for (int t = 0; t < length; t += 3 * Lanes)
                {
                    ScatterSums<Vector256<float>, Lanes8>(ref dr, stride, ref wr, kk, outChannels, p0, Math.Min(4, kk - p0), t, sums);
                    AddTile8(ref xr, ref Unsafe.Add(ref or, p0), Math.Min(4, kk - p0), t, sums);
                }
        }
    }

    /// <summary>
    /// Rows p0 … p0+3 of Wᵀ δ_wide at 3 vectors of columns from t, Σ_o w[o,p]·δ_wide[o,t] summed over o in 12 registers,
    /// into sums[3i + v] for row i (past the last row, rows repeat it). One body for both widths; the sums are stored,
    /// not added here, because an accumulator live across a later call made the JIT keep all of them on the stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScatterSums<TV, TOps>(ref float d, int stride, ref float w, int kk, int outChannels, int p0, int rows, int t,
        Span<TV> sums) where TV : unmanaged where TOps : struct, IVectorOps<TV>
    {
        int n = TOps.Count;
        int p1 = p0 + Math.Min(1, rows - 1), p2 = p0 + Math.Min(2, rows - 1), p3 = p0 + Math.Min(3, rows - 1);
        TV s00 = TOps.Zero, s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
        TV s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00;
        ref float dt = ref Unsafe.Add(ref d, t);
        for (int o = 0; o < outChannels; o++)
        {
            ref float row = ref Unsafe.Add(ref dt, o * stride);
            TV e0 = TOps.Load(ref row, 0), e1 = TOps.Load(ref row, (nuint)n), e2 = TOps.Load(ref row, (nuint)(2 * n));
            ref float wo = ref Unsafe.Add(ref w, o * kk);
            TV a = TOps.Broadcast(Unsafe.Add(ref wo, p0));
            s00 = TOps.MulAdd(e0, a, s00); s01 = TOps.MulAdd(e1, a, s01); s02 = TOps.MulAdd(e2, a, s02);
            a = TOps.Broadcast(Unsafe.Add(ref wo, p1));
            s10 = TOps.MulAdd(e0, a, s10); s11 = TOps.MulAdd(e1, a, s11); s12 = TOps.MulAdd(e2, a, s12);
            a = TOps.Broadcast(Unsafe.Add(ref wo, p2));
            s20 = TOps.MulAdd(e0, a, s20); s21 = TOps.MulAdd(e1, a, s21); s22 = TOps.MulAdd(e2, a, s22);
            a = TOps.Broadcast(Unsafe.Add(ref wo, p3));
            s30 = TOps.MulAdd(e0, a, s30); s31 = TOps.MulAdd(e1, a, s31); s32 = TOps.MulAdd(e2, a, s32);
        }
        (sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]) = (s00, s01, s02, s10, s11, s12);
        (sums[6], sums[7], sums[8], sums[9], sums[10], sums[11]) = (s20, s21, s22, s30, s31, s32);
    }

    // The 8-float tile's 24 columns of each row added onto the shifted views of dx̃, row by row (only the first `rows`:
    // the last tile repeats its last row and must not add it twice).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddTile8(ref float dx, ref int offsets, int rows, int t, Span<Vector256<float>> sums)
    {
        for (int i = 0; i < rows; i++)
            AddTo(ref Unsafe.Add(ref dx, Unsafe.Add(ref offsets, i) + t), sums[3 * i], sums[3 * i + 1], sums[3 * i + 2]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref float at, Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
        (Vector256.LoadUnsafe(ref at) + a).StoreUnsafe(ref at);
        (Vector256.LoadUnsafe(ref at, Lanes) + b).StoreUnsafe(ref at, Lanes);
        (Vector256.LoadUnsafe(ref at, 2 * Lanes) + c).StoreUnsafe(ref at, 2 * Lanes);
    }

    /// <summary>
    /// The 16-float tile's sums (row i: sums[3i … 3i+2], 48 columns) onto dx̃ with the same bits as two 8-float tiles:
    /// first columns t … t+23, then t+24 … t+47, row by row. Rows whose offsets lie within 8 of each other (neighbouring
    /// v of one kernel row) are added in registers: the pixels they share are loaded once, each row's sums shifted into
    /// place and added in row order, and stored once. (Adding them through memory, each row's load waited for the
    /// previous row's store of the same cache line to complete: the CPU cannot forward a store to a load that overlaps
    /// it at another offset.) Lanes a row does not reach add +0, which changes nothing: dx̃ starts at +0 and a sum that
    /// starts at +0 is never −0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddTile16(ref float dx, ref int offsets, int rows, int t, int length, Span<Vector512<float>> sums)
    {
        // Each row's 24 columns of a half as two vectors: columns 0–15, then 16–23 and eight zeros.
        Span<Vector512<float>> half = sums[12..];
        Vector512<float> first8 = FirstEight.AsSingle();
        for (int i = 0; i < 4; i++) (half[2 * i], half[2 * i + 1]) = (sums[3 * i], sums[3 * i + 1] & first8);
        AddRows(ref dx, ref offsets, rows, t, half);
        if (t + 3 * Lanes >= length) return; // the 8-float tiles stop after the first half too
        for (int i = 0; i < 4; i++)
            (half[2 * i], half[2 * i + 1]) = (ShiftDown8(sums[3 * i + 1], sums[3 * i + 2]), ShiftDown8(sums[3 * i + 2], Vector512<float>.Zero));
        AddRows(ref dx, ref offsets, rows, t + 3 * Lanes, half);
    }

    // Row i's 24 sums (half[2i], half[2i+1]) onto dx̃ from offsets[i] + t, in row order; runs of rows within 8 columns of
    // the run's first row share one load and one store of the 32 pixels they touch. (It has a loop: the JIT does not
    // inline it, so it is compiled optimised from its first call.)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRows(ref float dx, ref int offsets, int rows, int t, Span<Vector512<float>> half)
    {
        for (int i = 0; i < rows;)
        {
            int start = Unsafe.Add(ref offsets, i);
            ref float at = ref Unsafe.Add(ref dx, start + t);
            Vector512<float> low = Vector512.LoadUnsafe(ref at), high = Vector512.LoadUnsafe(ref at, 16);
            do
            {
                int shift = Unsafe.Add(ref offsets, i) - start;
                Vector512<float> a = half[2 * i], b = half[2 * i + 1];
                if (shift == 0) { low += a; high += b; }
                else
                {
                    Vector512<int> up = ShiftUp[shift];
                    low += Avx512F.PermuteVar16x32x2(Vector512<float>.Zero, up, a); // [0 × shift, a…]
                    high += Avx512F.PermuteVar16x32x2(a, up, b);                     // [a's last shift, b…]
                }
                i++;
            } while (i < rows && Unsafe.Add(ref offsets, i) - start <= Lanes);
            low.StoreUnsafe(ref at);
            high.StoreUnsafe(ref at, 16);
        }
    }

    // Lanes 8–15 of a, then lanes 0–7 of b.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ShiftDown8(Vector512<float> a, Vector512<float> b) =>
        Avx512F.AlignRight32(b.AsUInt32(), a.AsUInt32(), 8).AsSingle();

    private static readonly Vector512<uint> FirstEight = Vector512.Create(~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);

    // ShiftUp[s][j] = 16 + j − s: from the pair (x, y) read as 32 lanes, lane j of the result is lane j − s of y, or for
    // j < s lane 16 + j − s of x (the zero vector, or the previous vector of the same row).
    private static readonly Vector512<int>[] ShiftUp = Enumerable.Range(0, Lanes + 1)
        .Select(s => Vector512.Create(Enumerable.Range(0, 16).Select(j => 16 + j - s).ToArray())).ToArray();
}
