using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CnnFromScratch.Fast;

/// <summary>
/// ∂J/∂x of a stride-1 convolution as the full correlation of δ with the kernels, computed by output rows:
/// ∂J/∂x̃[c, y, x] = Σ_o Σ_u Σ_v W[o,c,u,v] · δ[o, y−u, x−v], vectorised over x, for layers with many filters.
/// </summary>
/// <remarks>
/// Why not <see cref="DirectConvolution.InputGradient"/> there: that kernel sums over the filters into the wide layout
/// (LeNet-5's second layer: 136 columns for 100 outputs), then adds every row of the sums onto a shifted view of ∂J/∂x̃:
/// 150 overlapping read-modify-writes a sample. Here each register holds 16 columns of one row of ∂J/∂x̃ for one channel;
/// a tile of 2 rows × 6 channels (16-float vectors) or 2 rows × 3 channels × 2 halves (8-float) keeps 12 accumulators,
/// every load of a δ row feeds 6 multiply-adds and every weight 2, and each output row is stored once. δ is copied with
/// k−1 zeros on every side first, so rows and columns outside δ read zeros; the loop over u skips the kernel rows that
/// fall outside δ for both rows of a tile. Each output's sum runs over o, then u, then v, one fused multiply-add per term
/// from zero, the same at either width (lanes are columns x, which never share a sum).
/// </remarks>
internal static class RowTilesInputGradient
{
    private const int Block = 16; // columns per block: one 16-float vector or two 8-float ones

    /// <summary>ConvolutionFast uses this kernel from this many filters on (and only for 5×5 kernels or larger on 4+ channels).</summary>
    public const int MinFilters = 16;

    private static int PaddedRows(int oh, int k) => oh + 2 * (k - 1) + 1; // one more zero row for a tile's second row past H
    private static int Blocks(int width) => (width + Block - 1) / Block;
    private static int PaddedRowLength(int ow, int k, int width) => Math.Max(ow + 2 * (k - 1), k - 1 + Blocks(width) * Block);

    /// <summary>The scratch floats <see cref="Compute"/> needs for O filters of OH×OW outputs and C channels of H×W (padded) inputs.</summary>
    public static int ScratchLength(int outChannels, int oh, int ow, int channels, int height, int width, int k) =>
        outChannels * PaddedRows(oh, k) * PaddedRowLength(ow, k, width) + channels * (height + 1) * Blocks(width) * Block;

    /// <summary>
    /// dx (C×(H−2p)×(W−2p)) = ∂J/∂x of one sample, the padding p cropped off: δ is O×OH×OW, W is O×C×k×k, H×W the padded
    /// input's size. Scratch: <paramref name="scratch"/> of <see cref="ScratchLength"/> floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(ReadOnlySpan<float> delta, int outChannels, ReadOnlySpan<float> w, int channels, int height, int width,
        int k, int padding, Span<float> dx, Span<float> scratch)
    {
        int oh = height - k + 1, ow = width - k + 1, rows = PaddedRows(oh, k), rowLength = PaddedRowLength(ow, k, width);
        int blocks = Blocks(width), wideRow = blocks * Block, plane = rows * rowLength;
        _ = delta[outChannels * oh * ow - 1];
        _ = w[outChannels * channels * k * k - 1];
        Span<float> padded = scratch[..(outChannels * plane)];
        Span<float> wide = scratch.Slice(outChannels * plane, channels * (height + 1) * wideRow);
        // δ with k−1 zeros above, below and to the left (and enough to the right for whole blocks of columns)
        padded.Clear();
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < oh; i++)
                delta.Slice((o * oh + i) * ow, ow).CopyTo(padded.Slice(o * plane + (i + k - 1) * rowLength + k - 1, ow));
        ref float dr = ref MemoryMarshal.GetReference(padded);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float xr = ref MemoryMarshal.GetReference(wide);
        int tileChannels = VectorWidth.Wide ? 6 : 3;
        for (int b = 0; b < blocks; b++)
            for (int c0 = 0; c0 < channels; c0 += tileChannels)
                for (int y0 = 0; y0 < height; y0 += 2)
                {
                    var tile = new TileArgs(outChannels, channels, k, oh, plane, rowLength, height, wideRow, c0, y0, b * Block);
                    if (VectorWidth.Wide) Tile<Vector512<float>, Lanes16>(ref dr, ref wr, ref xr, tile);
                    else Tile<Vector256<float>, Lanes8>(ref dr, ref wr, ref xr, tile);
                }
        // Rows as wide as whole blocks into dx: the first W − 2p columns of rows p … H−p−1, from column p.
        int dh = height - 2 * padding, dw = width - 2 * padding;
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < dh; y++)
                wide.Slice((c * (height + 1) + y + padding) * wideRow + padding, dw).CopyTo(dx.Slice((c * dh + y) * dw, dw));
    }

    private readonly record struct TileArgs(int OutChannels, int Channels, int K, int OutHeight, int Plane, int RowLength,
        int Height, int WideRow, int C0, int Y0, int X0);

    // Rows y0, y0+1 × channels c0 … (6 at 16 floats, 3 at 8) × columns x0 … x0+15 of ∂J/∂x̃, into the wide rows (channel
    // c's plane has H + 1 rows, so a tile's second row past H has somewhere to go). Channels past C repeat the last one
    // and are not stored. Too large to inline; compiled optimised from the first call, like the other kernels.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TV, TOps>(ref float delta, ref float w, ref float wide, in TileArgs t)
        where TV : struct where TOps : struct, IVectorOps<TV>
    {
        bool full = TOps.Count == Block;
        int k = t.K, kk = k * k, last = t.Channels - 1, oh = t.OutHeight;
        // Channel i of the tile, as an offset into W (of its filter o = 0) and its wide plane.
        nint w0 = Math.Min(t.C0, last) * kk, w1 = Math.Min(t.C0 + 1, last) * kk, w2 = Math.Min(t.C0 + 2, last) * kk;
        nint w3 = Math.Min(t.C0 + 3, last) * kk, w4 = Math.Min(t.C0 + 4, last) * kk, w5 = Math.Min(t.C0 + 5, last) * kk;
        // Kernel rows u that reach δ from row y0 or y0+1: 0 ≤ y − u < OH.
        int uStart = Math.Max(0, t.Y0 - oh + 1), uEnd = Math.Min(k - 1, t.Y0 + 1);
        TV a0 = TOps.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int o = 0; o < t.OutChannels; o++)
        {
            ref float wo = ref Unsafe.Add(ref w, o * t.Channels * kk);
            ref float dOut = ref Unsafe.Add(ref delta, o * t.Plane + t.X0 + k - 1);
            for (int u = uStart; u <= uEnd; u++)
            {
                // δ rows y0 − u and y0 + 1 − u, in the padded plane's coordinates (k − 1 rows of zeros above)
                ref float row0 = ref Unsafe.Add(ref dOut, (t.Y0 - u + k - 1) * t.RowLength);
                ref float row1 = ref Unsafe.Add(ref row0, t.RowLength);
                ref float wu = ref Unsafe.Add(ref wo, u * k);
                for (int v = 0; v < k; v++)
                {
                    ref float e = ref Unsafe.Add(ref row0, -v);
                    ref float f = ref Unsafe.Add(ref row1, -v);
                    ref float wv = ref Unsafe.Add(ref wu, v);
                    if (full)
                    {
                        TV e0 = TOps.Load(ref e, 0), e1 = TOps.Load(ref f, 0);
                        TV x = TOps.Broadcast(Unsafe.Add(ref wv, w0)); a0 = TOps.MulAdd(x, e0, a0); a1 = TOps.MulAdd(x, e1, a1);
                        x = TOps.Broadcast(Unsafe.Add(ref wv, w1)); a2 = TOps.MulAdd(x, e0, a2); a3 = TOps.MulAdd(x, e1, a3);
                        x = TOps.Broadcast(Unsafe.Add(ref wv, w2)); a4 = TOps.MulAdd(x, e0, a4); a5 = TOps.MulAdd(x, e1, a5);
                        x = TOps.Broadcast(Unsafe.Add(ref wv, w3)); a6 = TOps.MulAdd(x, e0, a6); a7 = TOps.MulAdd(x, e1, a7);
                        x = TOps.Broadcast(Unsafe.Add(ref wv, w4)); a8 = TOps.MulAdd(x, e0, a8); a9 = TOps.MulAdd(x, e1, a9);
                        x = TOps.Broadcast(Unsafe.Add(ref wv, w5)); a10 = TOps.MulAdd(x, e0, a10); a11 = TOps.MulAdd(x, e1, a11);
                    }
                    else
                    {
                        nuint h = (nuint)TOps.Count;
                        TV e0 = TOps.Load(ref e, 0), e0h = TOps.Load(ref e, h), e1 = TOps.Load(ref f, 0), e1h = TOps.Load(ref f, h);
                        TV x = TOps.Broadcast(Unsafe.Add(ref wv, w0));
                        a0 = TOps.MulAdd(x, e0, a0); a1 = TOps.MulAdd(x, e0h, a1); a2 = TOps.MulAdd(x, e1, a2); a3 = TOps.MulAdd(x, e1h, a3);
                        x = TOps.Broadcast(Unsafe.Add(ref wv, w1));
                        a4 = TOps.MulAdd(x, e0, a4); a5 = TOps.MulAdd(x, e0h, a5); a6 = TOps.MulAdd(x, e1, a6); a7 = TOps.MulAdd(x, e1h, a7);
                        x = TOps.Broadcast(Unsafe.Add(ref wv, w2));
                        a8 = TOps.MulAdd(x, e0, a8); a9 = TOps.MulAdd(x, e0h, a9); a10 = TOps.MulAdd(x, e1, a10); a11 = TOps.MulAdd(x, e1h, a11);
                    }
                }
            }
        }
        int count = Math.Min(full ? 6 : 3, t.Channels - t.C0);
        ref float out0 = ref Unsafe.Add(ref wide, (t.C0 * (t.Height + 1) + t.Y0) * t.WideRow + t.X0);
        nint planeStride = (t.Height + 1) * t.WideRow, rowStride = t.WideRow;
        if (full)
        {
            Store<TV, TOps>(ref out0, 0, rowStride, 0, a0, a1);
            if (count > 1) Store<TV, TOps>(ref out0, planeStride, rowStride, 0, a2, a3);
            if (count > 2) Store<TV, TOps>(ref out0, 2 * planeStride, rowStride, 0, a4, a5);
            if (count > 3) Store<TV, TOps>(ref out0, 3 * planeStride, rowStride, 0, a6, a7);
            if (count > 4) Store<TV, TOps>(ref out0, 4 * planeStride, rowStride, 0, a8, a9);
            if (count > 5) Store<TV, TOps>(ref out0, 5 * planeStride, rowStride, 0, a10, a11);
        }
        else
        {
            nint h = TOps.Count;
            Store<TV, TOps>(ref out0, 0, rowStride, 0, a0, a2); Store<TV, TOps>(ref out0, 0, rowStride, h, a1, a3);
            if (count > 1) { Store<TV, TOps>(ref out0, planeStride, rowStride, 0, a4, a6); Store<TV, TOps>(ref out0, planeStride, rowStride, h, a5, a7); }
            if (count > 2) { Store<TV, TOps>(ref out0, 2 * planeStride, rowStride, 0, a8, a10); Store<TV, TOps>(ref out0, 2 * planeStride, rowStride, h, a9, a11); }
        }
    }

    // One channel's two rows of the tile (row0 at y0, row1 at y0 + 1), from column `column` of the block.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV, TOps>(ref float out0, nint plane, nint rowStride, nint column, TV row0, TV row1)
        where TV : struct where TOps : struct, IVectorOps<TV>
    {
        ref float at = ref Unsafe.Add(ref out0, plane + column);
        TOps.Store(row0, ref at, 0);
        TOps.Store(row1, ref Unsafe.Add(ref at, rowStride), 0);
    }
}
