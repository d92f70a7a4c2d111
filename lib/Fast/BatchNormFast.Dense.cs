using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

/// <summary>
/// Batch norm of dense features N×C (S = 1): the naive arithmetic, in double, with the same operations in the same order as
/// <see cref="BatchNormNaive"/>'s loops, so the bits are the naive ones. The channels go in blocks of W = Vector&lt;float&gt;.Count:
/// a block's W floats of a row are widened to doubles, and a block walks down all N rows with its sums in registers (two
/// blocks side by side, four independent chains of additions). Summing row by row into the per-channel arrays instead made
/// every addition wait for the store of the row before: 19 cycles a vector, 45 µs for the statistics of 256×128 features.
/// When C is not a multiple of W, the last block ends at the last channel and overlaps the one before it: the overlapping
/// channels are computed twice, in the same order, and the same values written twice. Fewer than W channels: the naive loops.
/// </summary>
internal sealed partial class BatchNormFast
{
    private static readonly int W = Vector<float>.Count, H = Vector<double>.Count;

    // The blocks of channels [from, to): block k begins at from + k·W, the last at to − W.
    private static int BlockCount(int from, int to) => (to - from + W - 1) / W;
    private static int BlockStart(int from, int to, int block) => Math.Min(from + block * W, to - W);

    private static void Require(int length, params ReadOnlySpan<Array> arrays)
    {
        foreach (Array a in arrays)
            if (a.Length < length) throw new ArgumentException($"BatchNormFast: an array holds {a.Length} values where {length} are needed.");
    }

    // Loads and stores through refs: the callers check the lengths once (Require), where a bounds check per vector cost
    // more instructions than the arithmetic.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(float[] a, int at) => Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Load(double[] a, int at) => Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<float> v, float[] a, int at) => v.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<double> v, double[] a, int at) => v.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseStatistics(float[] x, int n, int c, int from, int to, double[] mean, double[] variance)
    {
        if (to - from < W) { BatchNormNaive.Statistics(x, n, c, 1, from, to, mean, variance); return; }
        Require(n * c, x);
        Require(c, mean, variance);
        for (int k = 0, blocks = BlockCount(from, to); k < blocks; k += 2)
        {
            int ch0 = BlockStart(from, to, k), ch1 = BlockStart(from, to, Math.Min(k + 1, blocks - 1));
            ColumnSums<Value>(x, n, c, ch0, ch1, mean, mean);   // Σ x
            for (int ch = ch0; ch < ch1 + W; ch++) mean[ch] /= n;
            ColumnSums<SquaredDeviation>(x, n, c, ch0, ch1, mean, variance);   // Σ (x − μ)²
            for (int ch = ch0; ch < ch1 + W; ch++) variance[ch] /= n;
        }
    }

    // Σ over the rows of the terms of channel blocks [ch0, ch0 + W) and [ch1, ch1 + W) (the same block twice at the end) into sums:
    // x, or (x − μ)² with μ from mean, each channel's terms added in row order from 0, as the naive loop adds them.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnSums<TTerm>(float[] values, int n, int c, int ch0, int ch1, double[] mean, double[] sums) where TTerm : struct, ITerm
    {
        ref float v = ref MemoryMarshal.GetArrayDataReference(values);
        Vector<double> m0 = Load(mean, ch0), m1 = Load(mean, ch0 + H), m2 = Load(mean, ch1), m3 = Load(mean, ch1 + H);
        Vector<double> s0 = Vector<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0, row = 0; i < n; i++, row += c)
        {
            Vector.Widen(Vector.LoadUnsafe(ref v, (nuint)(row + ch0)), out var lo0, out var hi0);
            Vector.Widen(Vector.LoadUnsafe(ref v, (nuint)(row + ch1)), out var lo1, out var hi1);
            s0 += TTerm.Of(lo0, m0);
            s1 += TTerm.Of(hi0, m1);
            s2 += TTerm.Of(lo1, m2);
            s3 += TTerm.Of(hi1, m3);
        }
        Store(s0, sums, ch0);
        Store(s1, sums, ch0 + H);
        Store(s2, sums, ch1);
        Store(s3, sums, ch1 + H);
    }

    // x̂ of the W features of x from index at: the naive (float)((x − μ) · invStd), computed in double and narrowed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> DenseXHat(ref float x, int at, Vector<double> meanLo, Vector<double> meanHi, Vector<double> invLo, Vector<double> invHi)
    {
        Vector.Widen(Vector.LoadUnsafe(ref x, (nuint)at), out var lo, out var hi);
        return Vector.Narrow((lo - meanLo) * invLo, (hi - meanHi) * invHi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseSums(float[] delta, float[] x, int n, int c, int from, int to, double[] mean, double[] invStd, double[] sumDelta, double[] sumDeltaXHat)
    {
        if (to - from < W) { BatchNormNaive.Sums(delta, x, n, c, 1, from, to, mean, invStd, sumDelta, sumDeltaXHat); return; }
        Require(n * c, delta, x);
        Require(c, mean, invStd, sumDelta, sumDeltaXHat);
        ref float d = ref MemoryMarshal.GetArrayDataReference(delta), xr = ref MemoryMarshal.GetArrayDataReference(x);
        for (int k = 0, blocks = BlockCount(from, to); k < blocks; k += 2)
        {
            int ch0 = BlockStart(from, to, k), ch1 = BlockStart(from, to, Math.Min(k + 1, blocks - 1));
            Vector<double> m0 = Load(mean, ch0), m1 = Load(mean, ch0 + H), m2 = Load(mean, ch1), m3 = Load(mean, ch1 + H);
            Vector<double> i0 = Load(invStd, ch0), i1 = Load(invStd, ch0 + H), i2 = Load(invStd, ch1), i3 = Load(invStd, ch1 + H);
            Vector<double> d0 = Vector<double>.Zero, d1 = d0, d2 = d0, d3 = d0, p0 = d0, p1 = d0, p2 = d0, p3 = d0;
            for (int i = 0, row = 0; i < n; i++, row += c)
            {
                Vector<float> da = Vector.LoadUnsafe(ref d, (nuint)(row + ch0)), db = Vector.LoadUnsafe(ref d, (nuint)(row + ch1));
                Vector.Widen(da, out var lo0, out var hi0);
                Vector.Widen(db, out var lo1, out var hi1);
                (d0, d1, d2, d3) = (d0 + lo0, d1 + hi0, d2 + lo1, d3 + hi1);                       // Σ δ
                Vector.Widen(da * DenseXHat(ref xr, row + ch0, m0, m1, i0, i1), out lo0, out hi0);  // Σ δ x̂, δ x̂ in float
                Vector.Widen(db * DenseXHat(ref xr, row + ch1, m2, m3, i2, i3), out lo1, out hi1);
                (p0, p1, p2, p3) = (p0 + lo0, p1 + hi0, p2 + lo1, p3 + hi1);
            }
            Store(d0, sumDelta, ch0); Store(d1, sumDelta, ch0 + H); Store(d2, sumDelta, ch1); Store(d3, sumDelta, ch1 + H);
            Store(p0, sumDeltaXHat, ch0); Store(p1, sumDeltaXHat, ch0 + H); Store(p2, sumDeltaXHat, ch1); Store(p3, sumDeltaXHat, ch1 + H);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseNormalize(float[] x, float[] y, int n, int c, int from, int to, double[] mean, double[] invStd, float[] gamma, float[] beta)
    {
        if (to - from < W) { BatchNormNaive.Normalize(x, y, n, c, 1, from, to, mean, invStd, gamma, beta); return; }
        Require(n * c, x, y);
        Require(c, mean, invStd, gamma, beta);
        ref float xr = ref MemoryMarshal.GetArrayDataReference(x), yr = ref MemoryMarshal.GetArrayDataReference(y);
        for (int k = 0, blocks = BlockCount(from, to); k < blocks; k++)
        {
            int ch = BlockStart(from, to, k);
            Vector<double> m0 = Load(mean, ch), m1 = Load(mean, ch + H), i0 = Load(invStd, ch), i1 = Load(invStd, ch + H);
            Vector<float> g = Load(gamma, ch), b = Load(beta, ch);
            for (int i = 0, at = ch; i < n; i++, at += c)
                (g * DenseXHat(ref xr, at, m0, m1, i0, i1) + b).StoreUnsafe(ref yr, (nuint)at);   // y = γ x̂ + β, in float
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseInputGradient(float[] delta, float[] x, float[] dx, int n, int c, int from, int to, double[] mean, double[] invStd, double[] a, double[] b, double[] e)
    {
        if (to - from < W) { BatchNormNaive.InputGradient(delta, x, dx, n, c, 1, from, to, mean, invStd, a, b, e); return; }
        Require(n * c, delta, x, dx);
        Require(c, mean, invStd, a, b, e);
        ref float d = ref MemoryMarshal.GetArrayDataReference(delta), xr = ref MemoryMarshal.GetArrayDataReference(x), o = ref MemoryMarshal.GetArrayDataReference(dx);
        for (int k = 0, blocks = BlockCount(from, to); k < blocks; k++)
        {
            int ch = BlockStart(from, to, k);
            Vector<double> m0 = Load(mean, ch), m1 = Load(mean, ch + H), i0 = Load(invStd, ch), i1 = Load(invStd, ch + H);
            Vector<double> a0 = Load(a, ch), a1 = Load(a, ch + H), b0 = Load(b, ch), b1 = Load(b, ch + H), e0 = Load(e, ch), e1 = Load(e, ch + H);
            for (int i = 0, at = ch; i < n; i++, at += c)
            {
                Vector.Widen(Vector.LoadUnsafe(ref d, (nuint)at), out var dLo, out var dHi);
                Vector.Widen(DenseXHat(ref xr, at, m0, m1, i0, i1), out var hLo, out var hHi);
                Vector.Narrow(a0 * dLo + b0 + e0 * hLo, a1 * dHi + b1 + e1 * hHi).StoreUnsafe(ref o, (nuint)at);   // a δ + b + e x̂, in double
            }
        }
    }
}
