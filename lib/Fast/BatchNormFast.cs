using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

/// <summary>
/// The same four operations as <see cref="BatchNormNaive"/>, for all channels at once. Feature maps (S = H·W ≥ 8): each
/// plane (one channel of one sample, S contiguous values) is one item of a pass split across the cores, vectorised with
/// <see cref="Vector{T}"/>; a plane's sums (in float) are kept per plane and added per channel in sample order (in double)
/// afterwards, so the result has the same bits for any thread count, and the same bits as the serial kernels before them
/// (the chapters' printed numbers do not move). Dense features (S = 1): the naive arithmetic, one sweep over the rows in
/// memory order (the naive loops stride across the rows, one channel at a time). Planes of 2–7 values use the naive loops.
/// As there, x̂ is computed again from x wherever it is needed, with the arithmetic Forward used: the same bits.
/// </summary>
internal sealed class BatchNormFast : ChunkedPass
{
    private const int ParallelLength = 1 << 15;   // below this many values a pass runs on the caller
    [ThreadStatic] private static BatchNormFast? t_pass;
    [ThreadStatic] private static float[]? t_xHat;   // one plane's x̂, for Σ δ x̂ (per thread: the chunks run on the workers)

    private enum Step { Sum, SquaredDeviations, Normalize, Sums, InputGradient }

    private Step _step;
    private int _c, _s;
    private float[] _x = [], _delta = [], _out = [];              // the step's arrays: x (summed, normalised, or x̂'s source), δ, output
    // Per channel, in float: μ, 1/√(σ² + ε), and ∂J/∂x's a, b, e, at offsets 0, C, 2C, 3C, 4C. Converted from double once per
    // pass on the caller: converting per plane cost more than the plane's arithmetic on this CPU's cores (a scalar conversion
    // waits on whatever last wrote its register: 6–10 ns each, five per plane for ∂J/∂x).
    private float[] _channel = [];
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
        p = Prepare(Step.SquaredDeviations, n, c, s, mean);
        p._x = x;
        p.Go(n, c, s);
        for (int ch = 0; ch < c; ch++)
        {
            double squares = 0;
            for (int i = 0; i < n; i++) squares += p._planeA[i * c + ch];
            variance[ch] = squares / (n * s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(float[] x, float[] y, int n, int c, int s, double[] mean, double[] invStd, float[] gamma, float[] beta)
    {
        if (s == 1) { DenseNormalize(x, y, n, c, mean, invStd, gamma, beta); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.Normalize(x, y, n, c, s, mean, invStd, gamma, beta); return; }
        var p = Prepare(Step.Normalize, n, c, s, mean, invStd);
        (p._x, p._out, p._gamma, p._beta) = (x, y, gamma, beta);
        p.Go(n, c, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sums(float[] delta, float[] x, int n, int c, int s, double[] mean, double[] invStd, double[] sumDelta, double[] sumDeltaXHat)
    {
        if (s == 1) { DenseSums(delta, x, n, c, mean, invStd, sumDelta, sumDeltaXHat); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.Sums(delta, x, n, c, s, mean, invStd, sumDelta, sumDeltaXHat); return; }
        var p = Prepare(Step.Sums, n, c, s, mean, invStd);
        (p._delta, p._x) = (delta, x);
        p.Go(n, c, s);
        for (int ch = 0; ch < c; ch++)
        {
            double sd = 0, sdx = 0;
            for (int i = 0; i < n; i++) { sd += p._planeA[i * c + ch]; sdx += p._planeB[i * c + ch]; }
            (sumDelta[ch], sumDeltaXHat[ch]) = (sd, sdx);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient(float[] delta, float[] x, float[] dx, int n, int c, int s, double[] mean, double[] invStd, double[] a, double[] b, double[] e)
    {
        if (s == 1) { DenseInputGradient(delta, x, dx, n, c, mean, invStd, a, b, e); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.InputGradient(delta, x, dx, n, c, s, mean, invStd, a, b, e); return; }
        var p = Prepare(Step.InputGradient, n, c, s, mean, invStd, a, b, e);
        (p._delta, p._x, p._out) = (delta, x, dx);
        p.Go(n, c, s);
    }

    private static BatchNormFast Prepare(Step step, int n, int c, int s, params ReadOnlySpan<double[]> perChannel)
    {
        var p = t_pass ??= new BatchNormFast();
        if (p._planeA.Length < n * c) (p._planeA, p._planeB) = (new double[n * c], new double[n * c]);   // grown on the caller
        if (p._channel.Length < 5 * c) p._channel = new float[5 * c];
        for (int k = 0; k < perChannel.Length; k++)
            for (int ch = 0; ch < c; ch++) p._channel[k * c + ch] = (float)perChannel[k][ch];
        (p._step, p._c, p._s) = (step, c, s);
        return p;
    }

    private void Go(int n, int c, int s)
    {
        try { Run(n * c, (long)n * c * s < ParallelLength ? 1 : MaxChunks); }
        finally { (_x, _delta, _out, _gamma, _beta) = ([], [], [], [], []); }   // hold no caller arrays
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(int chunk, int start, int end)
    {
        for (int group = start; group < end; group += 4)
        {
            int last = Math.Min(group + 4, end);
            switch (_step)
            {
                case Step.Sum: PlaneSums<Value>(_x, group, last); break;                          // Σ x
                case Step.SquaredDeviations: PlaneSums<SquaredDeviation>(_x, group, last); break; // Σ (x − μ)²
                case Step.Sums:   // Σ δ, then Σ δ x̂ of the same planes while they are still in the L1 cache
                    PlaneSums<Value>(_delta, group, last);
                    for (int plane = group; plane < last; plane++) Plane(plane);
                    break;
                default:
                    for (int plane = group; plane < last; plane++) Plane(plane);
                    break;
            }
        }
    }

    // Normalize, Σ δ x̂, or ∂J/∂x of one plane. The loops index through refs (each span checked once, when it is taken):
    // with a bounds check per vector load and store these loops ran twice as many instructions as arithmetic.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Plane(int plane)
    {
        int s = _s, w = Vector<float>.Count, ch = plane % _c, from = plane * s, j = 0;
        ref float x = ref MemoryMarshal.GetReference(_x.AsSpan(from, s));
        float m = _channel[ch], inv = _channel[_c + ch];
        Vector<float> vm = new(m), vi = new(inv);   // x̂ = (x − μ)/√(σ² + ε), in float as Forward computes it
        switch (_step)
        {
            case Step.Normalize:
            {
                ref float y = ref MemoryMarshal.GetReference(_out.AsSpan(from, s));
                float g = _gamma[ch], bt = _beta[ch];
                Vector<float> vg = new(g), vb = new(bt);
                for (; j <= s - w; j += w)
                    (vg * ((Vector.LoadUnsafe(ref x, (nuint)j) - vm) * vi) + vb).StoreUnsafe(ref y, (nuint)j);   // y = γ x̂ + β
                for (; j < s; j++) Unsafe.Add(ref y, j) = g * ((Unsafe.Add(ref x, j) - m) * inv) + bt;
                break;
            }
            case Step.Sums:
                _planeB[plane] = DotXHat(_delta.AsSpan(from, s), ref x, m, inv);   // Σ δ x̂
                break;
            case Step.InputGradient:
            {
                ref float delta = ref MemoryMarshal.GetReference(_delta.AsSpan(from, s));
                ref float dx = ref MemoryMarshal.GetReference(_out.AsSpan(from, s));
                float a = _channel[2 * _c + ch], b = _channel[3 * _c + ch], e = _channel[4 * _c + ch];
                Vector<float> va = new(a), vb = new(b), ve = new(e);
                for (; j <= s - w; j += w)   // a δ + b + e x̂
                    (va * Vector.LoadUnsafe(ref delta, (nuint)j) + vb + ve * ((Vector.LoadUnsafe(ref x, (nuint)j) - vm) * vi)).StoreUnsafe(ref dx, (nuint)j);
                for (; j < s; j++) Unsafe.Add(ref dx, j) = a * Unsafe.Add(ref delta, j) + b + e * ((Unsafe.Add(ref x, j) - m) * inv);
                break;
            }
        }
    }

    // Σ δ x̂ of one plane, x̂ = (x − μ)·inv made on the fly: Simd.Dot(δ, x̂)'s own accumulators in its order, so the same bits
    // as Dot over a stored x̂ (storing x̂ in a scratch plane and reading it back made this step twice as slow as the sums).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotXHat(ReadOnlySpan<float> delta, ref float x, float m, float inv)
    {
        int n = delta.Length, i = 0;
        if (!Vector256.IsHardwareAccelerated)
        {
            Span<float> xHat = Buffers.Scratch(ref t_xHat, n);
            for (; i < n; i++) xHat[i] = (Unsafe.Add(ref x, i) - m) * inv;
            return Simd.Dot(delta, xHat);
        }
        ref float d = ref MemoryMarshal.GetReference(delta);
        Vector256<float> vm = Vector256.Create(m), vi = Vector256.Create(inv);
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        for (; i <= n - 32; i += 32)
        {
            s0 = Simd.MulAdd(Vector256.LoadUnsafe(ref d, (nuint)i), (Vector256.LoadUnsafe(ref x, (nuint)i) - vm) * vi, s0);
            s1 = Simd.MulAdd(Vector256.LoadUnsafe(ref d, (nuint)(i + 8)), (Vector256.LoadUnsafe(ref x, (nuint)(i + 8)) - vm) * vi, s1);
            s2 = Simd.MulAdd(Vector256.LoadUnsafe(ref d, (nuint)(i + 16)), (Vector256.LoadUnsafe(ref x, (nuint)(i + 16)) - vm) * vi, s2);
            s3 = Simd.MulAdd(Vector256.LoadUnsafe(ref d, (nuint)(i + 24)), (Vector256.LoadUnsafe(ref x, (nuint)(i + 24)) - vm) * vi, s3);
        }
        for (; i <= n - 8; i += 8)
            s0 = Simd.MulAdd(Vector256.LoadUnsafe(ref d, (nuint)i), (Vector256.LoadUnsafe(ref x, (nuint)i) - vm) * vi, s0);
        float sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += Unsafe.Add(ref d, i) * ((Unsafe.Add(ref x, i) - m) * inv);
        return sum;
    }

    // The sums of planes [start, end), at most four, of values (x, or δ) into _planeA: Σ x, or Σ (x − μ)² with μ of each plane's
    // channel. Four planes side by side: four independent chains of vector additions, where one plane alone waits on the
    // previous addition's latency at every step (4 cycles for 8 floats). Each plane is still summed in Simd.Sum's order (one
    // vector accumulator, its Vector.Sum, then the tail in order), so every plane's sum has the same bits as when it was summed alone.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PlaneSums<TTerm>(float[] values, int start, int end) where TTerm : struct, ITerm
    {
        int s = _s, w = Vector<float>.Count;
        // A group of fewer than four planes repeats its last plane: the same sum, written twice.
        int p0 = start, p1 = Math.Min(start + 1, end - 1), p2 = Math.Min(start + 2, end - 1), p3 = Math.Min(start + 3, end - 1);
        ref float x0 = ref MemoryMarshal.GetReference(values.AsSpan(p0 * s, s)), x1 = ref MemoryMarshal.GetReference(values.AsSpan(p1 * s, s));
        ref float x2 = ref MemoryMarshal.GetReference(values.AsSpan(p2 * s, s)), x3 = ref MemoryMarshal.GetReference(values.AsSpan(p3 * s, s));
        float m0 = TTerm.Mean(_channel, p0 % _c), m1 = TTerm.Mean(_channel, p1 % _c), m2 = TTerm.Mean(_channel, p2 % _c), m3 = TTerm.Mean(_channel, p3 % _c);
        Vector<float> vm0 = new(m0), vm1 = new(m1), vm2 = new(m2), vm3 = new(m3);
        Vector<float> a0 = Vector<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int j = 0;
        for (; j <= s - w; j += w)
        {
            a0 += TTerm.Of(Vector.LoadUnsafe(ref x0, (nuint)j), vm0);
            a1 += TTerm.Of(Vector.LoadUnsafe(ref x1, (nuint)j), vm1);
            a2 += TTerm.Of(Vector.LoadUnsafe(ref x2, (nuint)j), vm2);
            a3 += TTerm.Of(Vector.LoadUnsafe(ref x3, (nuint)j), vm3);
        }
        float s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
        for (; j < s; j++)
        {
            s0 += TTerm.Of(Unsafe.Add(ref x0, j), m0);
            s1 += TTerm.Of(Unsafe.Add(ref x1, j), m1);
            s2 += TTerm.Of(Unsafe.Add(ref x2, j), m2);
            s3 += TTerm.Of(Unsafe.Add(ref x3, j), m3);
        }
        (_planeA[p0], _planeA[p1], _planeA[p2], _planeA[p3]) = (s0, s1, s2, s3);
    }

    /// <summary>What <see cref="PlaneSums{TTerm}"/> adds up for each value x of a plane.</summary>
    private interface ITerm
    {
        static abstract float Mean(float[] mean, int channel);
        static abstract Vector<float> Of(Vector<float> x, Vector<float> mean);
        static abstract float Of(float x, float mean);
    }

    private struct Value : ITerm   // x
    {
        public static float Mean(float[] mean, int channel) => 0f;
        public static Vector<float> Of(Vector<float> x, Vector<float> mean) => x;
        public static float Of(float x, float mean) => x;
    }

    private struct SquaredDeviation : ITerm   // (x − μ)²
    {
        public static float Mean(float[] mean, int channel) => mean[channel];
        public static Vector<float> Of(Vector<float> x, Vector<float> mean) { Vector<float> d = x - mean; return d * d; }
        public static float Of(float x, float mean) { float d = x - mean; return d * d; }
    }

    // Dense features N×C: the naive arithmetic (in double), row by row in memory order, 8 channels at a time: floats widened
    // to doubles and back, the same operations in the same order as the scalar loops, so the bits are the naive ones. (The
    // scalar conversions between float and double carry a false dependency from one element to the next: 6–10 ns each.)
    // The vectors are loaded and stored through refs, the lengths checked once per call (Require): with a bounds check per
    // span and per vector these loops spent more instructions on checks than on arithmetic.
    private static readonly int W = Vector<float>.Count, H = Vector<double>.Count;

    private static void Require(int length, params ReadOnlySpan<Array> arrays)
    {
        foreach (Array a in arrays)
            if (a.Length < length) throw new ArgumentException($"BatchNormFast: an array holds {a.Length} values where {length} are needed.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(float[] a, int at) => Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Load(double[] a, int at) => Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<float> v, float[] a, int at) => v.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<double> v, double[] a, int at) => v.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseStatistics(float[] x, int n, int c, double[] mean, double[] variance)
    {
        Require(n * c, x);
        Require(c, mean, variance);
        Array.Clear(mean, 0, c);
        Array.Clear(variance, 0, c);
        for (int i = 0; i < n; i++)
        {
            int row = i * c, ch = 0;
            for (; ch <= c - W; ch += W)
            {
                Vector.Widen(Load(x, row + ch), out var lo, out var hi);
                Store(Load(mean, ch) + lo, mean, ch);
                Store(Load(mean, ch + H) + hi, mean, ch + H);
            }
            for (; ch < c; ch++) mean[ch] += x[row + ch];
        }
        for (int ch = 0; ch < c; ch++) mean[ch] /= n;
        for (int i = 0; i < n; i++)
        {
            int row = i * c, ch = 0;
            for (; ch <= c - W; ch += W)
            {
                Vector.Widen(Load(x, row + ch), out var lo, out var hi);
                lo -= Load(mean, ch);
                hi -= Load(mean, ch + H);
                Store(Load(variance, ch) + lo * lo, variance, ch);
                Store(Load(variance, ch + H) + hi * hi, variance, ch + H);
            }
            for (; ch < c; ch++) { double d = x[row + ch] - mean[ch]; variance[ch] += d * d; }
        }
        for (int ch = 0; ch < c; ch++) variance[ch] /= n;
    }

    // x̂ of the W features of x from index at (channel ch on): the naive (float)((x − μ) · invStd), computed in double and narrowed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> DenseXHat(float[] x, int at, int ch, double[] mean, double[] invStd)
    {
        Vector.Widen(Load(x, at), out var lo, out var hi);
        lo = (lo - Load(mean, ch)) * Load(invStd, ch);
        hi = (hi - Load(mean, ch + H)) * Load(invStd, ch + H);
        return Vector.Narrow(lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseSums(float[] delta, float[] x, int n, int c, double[] mean, double[] invStd, double[] sumDelta, double[] sumDeltaXHat)
    {
        Require(n * c, delta, x);
        Require(c, mean, invStd, sumDelta, sumDeltaXHat);
        Array.Clear(sumDelta, 0, c);
        Array.Clear(sumDeltaXHat, 0, c);
        for (int i = 0; i < n; i++)
        {
            int row = i * c, ch = 0;
            for (; ch <= c - W; ch += W)
            {
                var vd = Load(delta, row + ch);
                Vector.Widen(vd, out var dLo, out var dHi);
                Vector.Widen(vd * DenseXHat(x, row + ch, ch, mean, invStd), out var pLo, out var pHi);
                Store(Load(sumDelta, ch) + dLo, sumDelta, ch);
                Store(Load(sumDelta, ch + H) + dHi, sumDelta, ch + H);
                Store(Load(sumDeltaXHat, ch) + pLo, sumDeltaXHat, ch);
                Store(Load(sumDeltaXHat, ch + H) + pHi, sumDeltaXHat, ch + H);
            }
            for (; ch < c; ch++)
            {
                sumDelta[ch] += delta[row + ch];
                sumDeltaXHat[ch] += delta[row + ch] * BatchNormNaive.XHat(x[row + ch], mean[ch], invStd[ch]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseNormalize(float[] x, float[] y, int n, int c, double[] mean, double[] invStd, float[] gamma, float[] beta)
    {
        Require(n * c, x, y);
        Require(c, mean, invStd, gamma, beta);
        for (int i = 0; i < n; i++)
        {
            int row = i * c, ch = 0;
            for (; ch <= c - W; ch += W)
                Store(Load(gamma, ch) * DenseXHat(x, row + ch, ch, mean, invStd) + Load(beta, ch), y, row + ch);
            for (; ch < c; ch++) y[row + ch] = gamma[ch] * BatchNormNaive.XHat(x[row + ch], mean[ch], invStd[ch]) + beta[ch];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseInputGradient(float[] delta, float[] x, float[] dx, int n, int c, double[] mean, double[] invStd, double[] a, double[] b, double[] e)
    {
        Require(n * c, delta, x, dx);
        Require(c, mean, invStd, a, b, e);
        for (int i = 0; i < n; i++)
        {
            int row = i * c, ch = 0;
            for (; ch <= c - W; ch += W)
            {
                Vector.Widen(Load(delta, row + ch), out var dLo, out var dHi);
                Vector.Widen(DenseXHat(x, row + ch, ch, mean, invStd), out var hLo, out var hHi);
                var lo = Load(a, ch) * dLo + Load(b, ch) + Load(e, ch) * hLo;
                var hi = Load(a, ch + H) * dHi + Load(b, ch + H) + Load(e, ch + H) * hHi;
                Store(Vector.Narrow(lo, hi), dx, row + ch);
            }
            for (; ch < c; ch++)
                dx[row + ch] = (float)(a[ch] * delta[row + ch] + b[ch] + e[ch] * BatchNormNaive.XHat(x[row + ch], mean[ch], invStd[ch]));
        }
    }
}
