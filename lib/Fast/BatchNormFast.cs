using System.Numerics;
using System.Runtime.CompilerServices;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

/// <summary>
/// The same four operations as <see cref="BatchNormNaive"/>, for all channels at once. Feature maps (S = H·W ≥ 8): each
/// plane (one channel of one sample, S contiguous values) is one item of a pass split across the cores, vectorised with
/// <see cref="Vector{T}"/>; a plane's sums (in float) are kept per plane and added per channel in sample order (in double)
/// afterwards, so the result has the same bits for any thread count, and the same bits as the serial kernels before them
/// (the chapters' printed numbers do not move). Dense features (S = 1): the naive arithmetic, one sweep over the rows in
/// memory order (the naive loops stride across the rows, one channel at a time). Planes of 2–7 values use the naive loops.
/// </summary>
internal sealed class BatchNormFast : ChunkedPass
{
    private const int ParallelLength = 1 << 15;   // below this many values a pass runs on the caller
    [ThreadStatic] private static BatchNormFast? t_pass;

    private enum Step { Sum, SquaredDeviations, Normalize, Sums, InputGradient }

    private Step _step;
    private int _c, _s;
    private float[] _x = [], _h = [], _out = [];                   // the step's arrays (input, x̂ or δ, output)
    private double[] _u = [], _v = [], _w = [];                    // per channel: μ, 1/√(σ² + ε); or a, b, e
    private float[] _gamma = [], _beta = [];
    private double[] _planeA = [], _planeB = [];                    // per plane: Σ and Σ of squares or products

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Statistics(float[] x, int n, int c, int s, double[] mean, double[] variance)
    {
        if (s == 1) { DenseStatistics(x, n, c, mean, variance); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.Statistics(x, n, c, s, mean, variance); return; }
        var p = Prepare(Step.Sum, n, c, s);
        p._x = x;
        p.Go(n, c, s);
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += p._planeA[i * c + ch];
            mean[ch] = sum / (n * s);
        }
        p = Prepare(Step.SquaredDeviations, n, c, s);
        (p._x, p._u) = (x, mean);
        p.Go(n, c, s);
        for (int ch = 0; ch < c; ch++)
        {
            double squares = 0;
            for (int i = 0; i < n; i++) squares += p._planeA[i * c + ch];
            variance[ch] = squares / (n * s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(float[] x, float[] xHat, float[] y, int n, int c, int s, double[] mean, double[] invStd, float[] gamma, float[] beta)
    {
        if (s == 1) { DenseNormalize(x, xHat, y, n, c, mean, invStd, gamma, beta); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.Normalize(x, xHat, y, n, c, s, mean, invStd, gamma, beta); return; }
        var p = Prepare(Step.Normalize, n, c, s);
        (p._x, p._h, p._out, p._u, p._v, p._gamma, p._beta) = (x, xHat, y, mean, invStd, gamma, beta);
        p.Go(n, c, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sums(float[] delta, float[] xHat, int n, int c, int s, double[] sumDelta, double[] sumDeltaXHat)
    {
        if (s == 1) { DenseSums(delta, xHat, n, c, sumDelta, sumDeltaXHat); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.Sums(delta, xHat, n, c, s, sumDelta, sumDeltaXHat); return; }
        var p = Prepare(Step.Sums, n, c, s);
        (p._x, p._h) = (delta, xHat);
        p.Go(n, c, s);
        for (int ch = 0; ch < c; ch++)
        {
            double sd = 0, sdx = 0;
            for (int i = 0; i < n; i++) { sd += p._planeA[i * c + ch]; sdx += p._planeB[i * c + ch]; }
            (sumDelta[ch], sumDeltaXHat[ch]) = (sd, sdx);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient(float[] delta, float[] xHat, float[] dx, int n, int c, int s, double[] a, double[] b, double[] e)
    {
        if (s == 1) { DenseInputGradient(delta, xHat, dx, n, c, a, b, e); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.InputGradient(delta, xHat, dx, n, c, s, a, b, e); return; }
        var p = Prepare(Step.InputGradient, n, c, s);
        (p._x, p._h, p._out, p._u, p._v, p._w) = (delta, xHat, dx, a, b, e);
        p.Go(n, c, s);
    }

    private static BatchNormFast Prepare(Step step, int n, int c, int s)
    {
        var p = t_pass ??= new BatchNormFast();
        if (p._planeA.Length < n * c) (p._planeA, p._planeB) = (new double[n * c], new double[n * c]);   // grown on the caller
        (p._step, p._c, p._s) = (step, c, s);
        return p;
    }

    private void Go(int n, int c, int s)
    {
        try { Run(n * c, (long)n * c * s < ParallelLength ? 1 : MaxChunks); }
        finally { (_x, _h, _out, _u, _v, _w, _gamma, _beta) = ([], [], [], [], [], [], [], []); }   // hold no caller arrays
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(int chunk, int start, int end)
    {
        switch (_step)
        {
            case Step.Sum: PlaneSums<Value>(start, end); return;                         // Σ x
            case Step.SquaredDeviations: PlaneSums<SquaredDeviation>(start, end); return; // Σ (x − μ)²
            case Step.Sums: PlaneSums<Value>(start, end); break;                        // Σ δ, then Σ δ x̂ below
        }
        int s = _s, w = Vector<float>.Count;
        for (int plane = start; plane < end; plane++)
        {
            int ch = plane % _c, from = plane * s, j = 0;
            ReadOnlySpan<float> x = _x.AsSpan(from, s);
            switch (_step)
            {
                case Step.Normalize:
                {
                    float m = (float)_u[ch], inv = (float)_v[ch], g = _gamma[ch], bt = _beta[ch];
                    Span<float> h = _h.AsSpan(from, s), y = _out.AsSpan(from, s);
                    Vector<float> vm = new(m), vi = new(inv), vg = new(g), vb = new(bt);
                    for (; j <= s - w; j += w)
                    {
                        Vector<float> xh = (new Vector<float>(x[j..]) - vm) * vi;   // x̂ = (x − μ)/√(σ² + ε)
                        xh.CopyTo(h[j..]);
                        (vg * xh + vb).CopyTo(y[j..]);                              // y = γ x̂ + β
                    }
                    for (; j < s; j++) { h[j] = (x[j] - m) * inv; y[j] = g * h[j] + bt; }
                    break;
                }
                case Step.Sums:
                    _planeB[plane] = Simd.Dot(x, _h.AsSpan(from, s));      // Σ δ x̂ (Σ δ came before the loop)
                    break;
                case Step.InputGradient:
                {
                    float a = (float)_u[ch], b = (float)_v[ch], e = (float)_w[ch];
                    ReadOnlySpan<float> h = _h.AsSpan(from, s);
                    Span<float> dx = _out.AsSpan(from, s);
                    Vector<float> va = new(a), vb = new(b), ve = new(e);
                    for (; j <= s - w; j += w)
                        (va * new Vector<float>(x[j..]) + vb + ve * new Vector<float>(h[j..])).CopyTo(dx[j..]);   // a δ + b + e x̂
                    for (; j < s; j++) dx[j] = a * x[j] + b + e * h[j];
                    break;
                }
            }
        }
    }

    // The sums over planes [start, end) into _planeA: Σ x, or Σ (x − μ)² with μ of each plane's channel. Four planes at a time:
    // four independent chains of vector additions, where one plane alone waits on the previous addition's latency at every
    // step (4 cycles for 8 floats). Each plane is still summed in Simd.Sum's order (one vector accumulator, its Vector.Sum,
    // then the tail in order), so every plane's sum has the same bits as when it was summed alone.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PlaneSums<TTerm>(int start, int end) where TTerm : struct, ITerm
    {
        int s = _s, w = Vector<float>.Count;
        for (int plane = start; plane < end; plane += 4)
        {
            // A group of fewer than four planes at the end repeats its last plane: the same sum, written twice.
            int p0 = plane, p1 = Math.Min(plane + 1, end - 1), p2 = Math.Min(plane + 2, end - 1), p3 = Math.Min(plane + 3, end - 1);
            ReadOnlySpan<float> x0 = _x.AsSpan(p0 * s, s), x1 = _x.AsSpan(p1 * s, s), x2 = _x.AsSpan(p2 * s, s), x3 = _x.AsSpan(p3 * s, s);
            float m0 = TTerm.Mean(_u, p0 % _c), m1 = TTerm.Mean(_u, p1 % _c), m2 = TTerm.Mean(_u, p2 % _c), m3 = TTerm.Mean(_u, p3 % _c);
            Vector<float> vm0 = new(m0), vm1 = new(m1), vm2 = new(m2), vm3 = new(m3);
            Vector<float> a0 = Vector<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            int j = 0;
            for (; j <= s - w; j += w)
            {
                a0 += TTerm.Of(new Vector<float>(x0[j..]), vm0);
                a1 += TTerm.Of(new Vector<float>(x1[j..]), vm1);
                a2 += TTerm.Of(new Vector<float>(x2[j..]), vm2);
                a3 += TTerm.Of(new Vector<float>(x3[j..]), vm3);
            }
            float s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
            for (; j < s; j++)
            {
                s0 += TTerm.Of(x0[j], m0);
                s1 += TTerm.Of(x1[j], m1);
                s2 += TTerm.Of(x2[j], m2);
                s3 += TTerm.Of(x3[j], m3);
            }
            (_planeA[p0], _planeA[p1], _planeA[p2], _planeA[p3]) = (s0, s1, s2, s3);
        }
    }

    /// <summary>What <see cref="PlaneSums{TTerm}"/> adds up for each value x of a plane.</summary>
    private interface ITerm
    {
        static abstract float Mean(double[] mean, int channel);
        static abstract Vector<float> Of(Vector<float> x, Vector<float> mean);
        static abstract float Of(float x, float mean);
    }

    private struct Value : ITerm   // x
    {
        public static float Mean(double[] mean, int channel) => 0f;
        public static Vector<float> Of(Vector<float> x, Vector<float> mean) => x;
        public static float Of(float x, float mean) => x;
    }

    private struct SquaredDeviation : ITerm   // (x − μ)²
    {
        public static float Mean(double[] mean, int channel) => (float)mean[channel];
        public static Vector<float> Of(Vector<float> x, Vector<float> mean) { Vector<float> d = x - mean; return d * d; }
        public static float Of(float x, float mean) { float d = x - mean; return d * d; }
    }

    // Dense features N×C: the naive arithmetic (in double), row by row in memory order, 8 channels at a time: floats widened
    // to doubles and back, the same operations in the same order as the scalar loops, so the bits are the naive ones. (The
    // scalar conversions between float and double carry a false dependency from one element to the next: 6–10 ns each.)
    private static readonly int W = Vector<float>.Count, H = Vector<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseStatistics(float[] x, int n, int c, double[] mean, double[] variance)
    {
        Array.Clear(mean, 0, c);
        Array.Clear(variance, 0, c);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = x.AsSpan(i * c, c);
            int ch = 0;
            for (; ch <= c - W; ch += W)
            {
                Vector.Widen(new Vector<float>(row[ch..]), out var lo, out var hi);
                (new Vector<double>(mean.AsSpan(ch)) + lo).CopyTo(mean.AsSpan(ch));
                (new Vector<double>(mean.AsSpan(ch + H)) + hi).CopyTo(mean.AsSpan(ch + H));
            }
            for (; ch < c; ch++) mean[ch] += row[ch];
        }
        for (int ch = 0; ch < c; ch++) mean[ch] /= n;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = x.AsSpan(i * c, c);
            int ch = 0;
            for (; ch <= c - W; ch += W)
            {
                Vector.Widen(new Vector<float>(row[ch..]), out var lo, out var hi);
                lo -= new Vector<double>(mean.AsSpan(ch));
                hi -= new Vector<double>(mean.AsSpan(ch + H));
                (new Vector<double>(variance.AsSpan(ch)) + lo * lo).CopyTo(variance.AsSpan(ch));
                (new Vector<double>(variance.AsSpan(ch + H)) + hi * hi).CopyTo(variance.AsSpan(ch + H));
            }
            for (; ch < c; ch++) { double d = row[ch] - mean[ch]; variance[ch] += d * d; }
        }
        for (int ch = 0; ch < c; ch++) variance[ch] /= n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseSums(float[] delta, float[] xHat, int n, int c, double[] sumDelta, double[] sumDeltaXHat)
    {
        Array.Clear(sumDelta, 0, c);
        Array.Clear(sumDeltaXHat, 0, c);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> d = delta.AsSpan(i * c, c), h = xHat.AsSpan(i * c, c);
            int ch = 0;
            for (; ch <= c - W; ch += W)
            {
                var vd = new Vector<float>(d[ch..]);
                Vector.Widen(vd, out var dLo, out var dHi);
                Vector.Widen(vd * new Vector<float>(h[ch..]), out var pLo, out var pHi);
                (new Vector<double>(sumDelta.AsSpan(ch)) + dLo).CopyTo(sumDelta.AsSpan(ch));
                (new Vector<double>(sumDelta.AsSpan(ch + H)) + dHi).CopyTo(sumDelta.AsSpan(ch + H));
                (new Vector<double>(sumDeltaXHat.AsSpan(ch)) + pLo).CopyTo(sumDeltaXHat.AsSpan(ch));
                (new Vector<double>(sumDeltaXHat.AsSpan(ch + H)) + pHi).CopyTo(sumDeltaXHat.AsSpan(ch + H));
            }
            for (; ch < c; ch++) { sumDelta[ch] += d[ch]; sumDeltaXHat[ch] += d[ch] * h[ch]; }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseNormalize(float[] x, float[] xHat, float[] y, int n, int c, double[] mean, double[] invStd, float[] gamma, float[] beta)
    {
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = x.AsSpan(i * c, c);
            Span<float> h = xHat.AsSpan(i * c, c), out_ = y.AsSpan(i * c, c);
            int ch = 0;
            for (; ch <= c - W; ch += W)
            {
                Vector.Widen(new Vector<float>(row[ch..]), out var lo, out var hi);
                lo = (lo - new Vector<double>(mean.AsSpan(ch))) * new Vector<double>(invStd.AsSpan(ch));
                hi = (hi - new Vector<double>(mean.AsSpan(ch + H))) * new Vector<double>(invStd.AsSpan(ch + H));
                Vector<float> xh = Vector.Narrow(lo, hi);
                xh.CopyTo(h[ch..]);
                (new Vector<float>(gamma.AsSpan(ch)) * xh + new Vector<float>(beta.AsSpan(ch))).CopyTo(out_[ch..]);
            }
            for (; ch < c; ch++)
            {
                h[ch] = (float)((row[ch] - mean[ch]) * invStd[ch]);
                out_[ch] = gamma[ch] * h[ch] + beta[ch];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseInputGradient(float[] delta, float[] xHat, float[] dx, int n, int c, double[] a, double[] b, double[] e)
    {
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> d = delta.AsSpan(i * c, c), h = xHat.AsSpan(i * c, c);
            Span<float> g = dx.AsSpan(i * c, c);
            int ch = 0;
            for (; ch <= c - W; ch += W)
            {
                Vector.Widen(new Vector<float>(d[ch..]), out var dLo, out var dHi);
                Vector.Widen(new Vector<float>(h[ch..]), out var hLo, out var hHi);
                var lo = new Vector<double>(a.AsSpan(ch)) * dLo + new Vector<double>(b.AsSpan(ch)) + new Vector<double>(e.AsSpan(ch)) * hLo;
                var hi = new Vector<double>(a.AsSpan(ch + H)) * dHi + new Vector<double>(b.AsSpan(ch + H)) + new Vector<double>(e.AsSpan(ch + H)) * hHi;
                Vector.Narrow(lo, hi).CopyTo(g[ch..]);
            }
            for (; ch < c; ch++) g[ch] = (float)(a[ch] * d[ch] + b[ch] + e[ch] * h[ch]);
        }
    }
}
