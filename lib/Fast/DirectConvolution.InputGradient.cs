using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

internal static partial class DirectConvolution
{
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
}
