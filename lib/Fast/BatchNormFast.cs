using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

/// <summary>
/// The same four operations as <see cref="BatchNormNaive"/> (two of them also with the ReLU after them fused in), for many
/// channels at once. Feature maps (S = H·W ≥ 8): each
/// plane (one channel of one sample, S contiguous values) is one item of a pass split across the cores, vectorised with
/// <see cref="Vector{T}"/>; a plane's sums (in float) are kept per plane and added per channel in sample order (in double)
/// afterwards, so the result has the same bits for any thread count, and the same bits as the serial kernels before them
/// (the chapters' printed numbers do not move). Dense features (S = 1): the naive arithmetic, in blocks of channels
/// (BatchNormFast.Dense.cs). Planes of 2–7 values use the naive loops.
/// As there, x̂ is computed again from x wherever it is needed, with the arithmetic Forward used: the same bits.
/// Each method takes the channels [from, to); <see cref="BatchNorm"/> passes them a group at a time (<see cref="GroupEnd"/>),
/// every sweep of a group before the next group, so that the second and third sweeps over a channel read it from the cores'
/// own caches: LeNet-5's first feature maps at batch 256 are 4.8 MB, more than the L2 caches of this machine's two cores hold.
/// </summary>
internal sealed partial class BatchNormFast : ChunkedPass
{
    private const int ParallelLength = 1 << 15;   // below this many values a pass runs on the caller
    // At most this many values in a group of channels (2 MB of floats): each of two cores sweeps 1 MB of x (in Backward, and as
    // much of δ), which its 2 MB L2 cache keeps between the sweeps. LeNet-5 with batch norm at batch 256 (BatchNorm(6) in three
    // groups of two channels) trained 1.6–2.4 % faster than in one group, with 1 MB groups 0.6–1.3 % (A/B in one process).
    internal static int GroupValues = 1 << 19;
    [ThreadStatic] private static BatchNormFast? t_pass;
    [ThreadStatic] private static float[]? t_xHat;   // one plane's x̂, for Σ δ x̂ (per thread: the chunks run on the workers)

    private enum Step { Sum, SquaredDeviations, Normalize, NormalizeReLU, Sums, SumsThroughReLU, InputGradient }

    private Step _step;
    private int _c, _s, _from, _to;                                 // the planes of channels [_from, _to) of every sample
    private float[] _x = [], _delta = [], _out = [];              // the step's arrays: x (summed, normalised, or x̂'s source), δ, output (y, a, ∂J/∂y or ∂J/∂x)
    // Per channel, in float: μ, 1/√(σ² + ε), and ∂J/∂x's a, b, e, at offsets 0, C, 2C, 3C, 4C. Converted from double once per
    // pass on the caller: converting per plane cost more than the plane's arithmetic on this CPU's cores (a scalar conversion
    // waits on whatever last wrote its register: 6–10 ns each, five per plane for ∂J/∂x).
    private float[] _channel = [];
    private float[] _gamma = [], _beta = [];
    private double[] _planeA = [], _planeB = [];                    // per plane: Σ and Σ of squares or products

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Statistics(float[] x, int n, int c, int s, int from, int to, double[] mean, double[] variance)
    {
        if (s == 1) { DenseStatistics(x, n, c, from, to, mean, variance); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.Statistics(x, n, c, s, from, to, mean, variance); return; }
        var p = Prepare(Step.Sum, n, c, s, from, to);
        p._x = x;
        p.Go(n);
        for (int ch = from; ch < to; ch++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += p._planeA[i * c + ch];
            mean[ch] = sum / (n * s);
        }
        p = Prepare(Step.SquaredDeviations, n, c, s, from, to, mean);
        p._x = x;
        p.Go(n);
        for (int ch = from; ch < to; ch++)
        {
            double squares = 0;
            for (int i = 0; i < n; i++) squares += p._planeA[i * c + ch];
            variance[ch] = squares / (n * s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(float[] x, float[] y, int n, int c, int s, int from, int to, double[] mean, double[] invStd, float[] gamma, float[] beta)
    {
        if (s == 1) { DenseNormalize(x, y, n, c, from, to, mean, invStd, gamma, beta); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.Normalize(x, y, n, c, s, from, to, mean, invStd, gamma, beta); return; }
        var p = Prepare(Step.Normalize, n, c, s, from, to, mean, invStd);
        (p._x, p._out, p._gamma, p._beta) = (x, y, gamma, beta);
        p.Go(n);
    }

    /// <summary>Whether planes of <paramref name="s"/> values can go through the fused ReLU kernels (feature maps of a vector or more).</summary>
    public static bool CanFuseReLU(int s) => s >= Vector<float>.Count;

    /// <summary>
    /// a = max(0, γ x̂ + β): <see cref="Normalize"/> and then ReLU in the same sweep, with the bits of the two one after the
    /// other (y computed as Normalize computes it, then a = y &lt; 0 ? 0 : y as <see cref="Simd.Relu(ReadOnlySpan{float}, Span{float})"/>).
    /// </summary>
    public static void NormalizeReLU(float[] x, float[] a, int n, int c, int s, int from, int to, double[] mean, double[] invStd, float[] gamma, float[] beta)
    {
        RequireFusable(s);
        var p = Prepare(Step.NormalizeReLU, n, c, s, from, to, mean, invStd);
        (p._x, p._out, p._gamma, p._beta) = (x, a, gamma, beta);
        p.Go(n);
    }

    /// <summary>
    /// Backward through a ReLU fused after the batch norm: δ = ∂J/∂y = ∂J/∂a where γ x̂ + β &gt; 0, else 0 (ReLU's backward, the
    /// same bits as <see cref="Simd.ReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on a), written into
    /// <paramref name="deltaY"/>, and then <see cref="Sums"/> of that δ, plane by plane while it is in the L1 cache.
    /// </summary>
    public static void SumsThroughReLU(float[] deltaA, float[] x, float[] deltaY, int n, int c, int s, int from, int to, double[] mean, double[] invStd,
        float[] gamma, float[] beta, double[] sumDelta, double[] sumDeltaXHat)
    {
        RequireFusable(s);
        var p = Prepare(Step.SumsThroughReLU, n, c, s, from, to, mean, invStd);
        (p._delta, p._x, p._out, p._gamma, p._beta) = (deltaA, x, deltaY, gamma, beta);
        p.Go(n);
        p.AddPlaneSums(n, c, from, to, sumDelta, sumDeltaXHat);
    }

    private static void RequireFusable(int s)
    {
        if (!CanFuseReLU(s)) throw new ArgumentOutOfRangeException(nameof(s), s, $"BatchNormFast: the fused ReLU kernels take planes of {Vector<float>.Count} or more values.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sums(float[] delta, float[] x, int n, int c, int s, int from, int to, double[] mean, double[] invStd, double[] sumDelta, double[] sumDeltaXHat)
    {
        if (s == 1) { DenseSums(delta, x, n, c, from, to, mean, invStd, sumDelta, sumDeltaXHat); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.Sums(delta, x, n, c, s, from, to, mean, invStd, sumDelta, sumDeltaXHat); return; }
        var p = Prepare(Step.Sums, n, c, s, from, to, mean, invStd);
        (p._delta, p._x) = (delta, x);
        p.Go(n);
        p.AddPlaneSums(n, c, from, to, sumDelta, sumDeltaXHat);
    }

    // Σ δ and Σ δ x̂ per channel: the planes' sums, in sample order, in double.
    private void AddPlaneSums(int n, int c, int from, int to, double[] sumDelta, double[] sumDeltaXHat)
    {
        for (int ch = from; ch < to; ch++)
        {
            double sd = 0, sdx = 0;
            for (int i = 0; i < n; i++) { sd += _planeA[i * c + ch]; sdx += _planeB[i * c + ch]; }
            (sumDelta[ch], sumDeltaXHat[ch]) = (sd, sdx);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient(float[] delta, float[] x, float[] dx, int n, int c, int s, int from, int to, double[] mean, double[] invStd, double[] a, double[] b, double[] e)
    {
        if (s == 1) { DenseInputGradient(delta, x, dx, n, c, from, to, mean, invStd, a, b, e); return; }
        if (s < Vector<float>.Count) { BatchNormNaive.InputGradient(delta, x, dx, n, c, s, from, to, mean, invStd, a, b, e); return; }
        var p = Prepare(Step.InputGradient, n, c, s, from, to, mean, invStd, a, b, e);
        (p._delta, p._x, p._out) = (delta, x, dx);
        p.Go(n);
    }

    /// <summary>
    /// The end of the group of channels that begins at <paramref name="from"/>: as many channels as <see cref="GroupValues"/>
    /// holds (at least one), the groups of one layer as equal as they can be. Dense features and small planes: all channels.
    /// </summary>
    public static int GroupEnd(int n, int c, int s, int from)
    {
        if (s < Vector<float>.Count) return c;
        int most = (int)Math.Clamp(GroupValues / ((long)n * s), 1, c), groups = (c + most - 1) / most;
        return Math.Min(c, from + (c + groups - 1) / groups);
    }

    private static BatchNormFast Prepare(Step step, int n, int c, int s, int from, int to, params ReadOnlySpan<double[]> perChannel)
    {
        if (from < 0 || to > c || from >= to) throw new ArgumentOutOfRangeException(nameof(from), $"BatchNormFast: channels [{from}, {to}) of {c}.");
        var p = t_pass ??= new BatchNormFast();
        if (p._planeA.Length < n * c) (p._planeA, p._planeB) = (new double[n * c], new double[n * c]);   // grown on the caller
        if (p._channel.Length < 5 * c) p._channel = new float[5 * c];
        for (int k = 0; k < perChannel.Length; k++)
            for (int ch = from; ch < to; ch++) p._channel[k * c + ch] = (float)perChannel[k][ch];
        (p._step, p._c, p._s, p._from, p._to) = (step, c, s, from, to);
        return p;
    }

    // The items of the pass are the n·(to − from) planes of the group, sample by sample.
    private void Go(int n)
    {
        int planes = n * (_to - _from);
        try { Run(planes, (long)planes * _s < ParallelLength ? 1 : MaxChunks); }
        finally { (_x, _delta, _out, _gamma, _beta) = ([], [], [], [], []); }   // hold no caller arrays
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(int chunk, int start, int end)
    {
        // Item k is the plane of channel _from + k % width of sample k / width; taken four at a time.
        int width = _to - _from, i = start / width, ch = _from + start % width;
        Span<int> planes = stackalloc int[4];
        for (int item = start; item < end; item += 4)
        {
            int count = Math.Min(4, end - item);
            for (int k = 0; k < count; k++)
            {
                planes[k] = i * _c + ch;
                if (++ch == _to) (ch, i) = (_from, i + 1);
            }
            ReadOnlySpan<int> group = planes[..count];
            switch (_step)
            {
                case Step.Sum: PlaneSums<Value>(_x, group); break;                          // Σ x
                case Step.SquaredDeviations: PlaneSums<SquaredDeviation>(_x, group); break; // Σ (x − μ)²
                case Step.Sums:   // Σ δ, then Σ δ x̂ of the same planes while they are still in the L1 cache
                    PlaneSums<Value>(_delta, group);
                    foreach (int plane in group) Plane(plane);
                    break;
                case Step.SumsThroughReLU:   // δ = ∂J/∂y of the planes, then their Σ δ and Σ δ x̂ as in Sums
                    foreach (int plane in group) MaskByReLU(plane);
                    PlaneSums<Value>(_out, group);
                    foreach (int plane in group) Plane(plane);
                    break;
                default:
                    foreach (int plane in group) Plane(plane);
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
            case Step.NormalizeReLU:
            {
                ref float a = ref MemoryMarshal.GetReference(_out.AsSpan(from, s));
                float g = _gamma[ch], bt = _beta[ch];
                Vector<float> vg = new(g), vb = new(bt), zero = Vector<float>.Zero;
                for (; j <= s - w; j += w)
                {
                    Vector<float> y = vg * ((Vector.LoadUnsafe(ref x, (nuint)j) - vm) * vi) + vb;   // y = γ x̂ + β, then a = y < 0 ? 0 : y
                    Vector.ConditionalSelect(Vector.LessThan<float>(y, zero), zero, y).StoreUnsafe(ref a, (nuint)j);
                }
                for (; j < s; j++)
                {
                    float y = g * ((Unsafe.Add(ref x, j) - m) * inv) + bt;
                    Unsafe.Add(ref a, j) = y < 0f ? 0f : y;
                }
                break;
            }
            case Step.Sums:
                _planeB[plane] = DotXHat(_delta.AsSpan(from, s), ref x, m, inv);   // Σ δ x̂
                break;
            case Step.SumsThroughReLU:
                _planeB[plane] = DotXHat(_out.AsSpan(from, s), ref x, m, inv);     // Σ δ x̂ with δ = ∂J/∂y
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

    // ∂J/∂y of one plane into _out: ∂J/∂a (in _delta) where a = ReLU(γ x̂ + β) > 0, that is where y = γ x̂ + β > 0, else 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MaskByReLU(int plane)
    {
        int s = _s, w = Vector<float>.Count, ch = plane % _c, from = plane * s, j = 0;
        ref float x = ref MemoryMarshal.GetReference(_x.AsSpan(from, s));
        ref float dA = ref MemoryMarshal.GetReference(_delta.AsSpan(from, s));
        ref float dY = ref MemoryMarshal.GetReference(_out.AsSpan(from, s));
        float m = _channel[ch], inv = _channel[_c + ch], g = _gamma[ch], bt = _beta[ch];
        Vector<float> vm = new(m), vi = new(inv), vg = new(g), vb = new(bt);
        for (; j <= s - w; j += w)
        {
            Vector<float> y = vg * ((Vector.LoadUnsafe(ref x, (nuint)j) - vm) * vi) + vb;
            (Vector.LoadUnsafe(ref dA, (nuint)j) & Vector.GreaterThan<float>(y, Vector<float>.Zero)).StoreUnsafe(ref dY, (nuint)j);
        }
        for (; j < s; j++)
            Unsafe.Add(ref dY, j) = g * ((Unsafe.Add(ref x, j) - m) * inv) + bt > 0f ? Unsafe.Add(ref dA, j) : 0f;
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

    // The sums of the planes given, one to four, of values (x, or δ) into _planeA: Σ x, or Σ (x − μ)² with μ of each plane's
    // channel. Four planes side by side: four independent chains of vector additions, where one plane alone waits on the
    // previous addition's latency at every step (4 cycles for 8 floats). Each plane is still summed in Simd.Sum's order (one
    // vector accumulator, its Vector.Sum, then the tail in order), so every plane's sum has the same bits as when it was summed alone.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PlaneSums<TTerm>(float[] values, ReadOnlySpan<int> planes) where TTerm : struct, ITerm
    {
        int s = _s, w = Vector<float>.Count, last = planes.Length - 1;
        // A group of fewer than four planes repeats its last plane: the same sum, written twice.
        int p0 = planes[0], p1 = planes[Math.Min(1, last)], p2 = planes[Math.Min(2, last)], p3 = planes[Math.Min(3, last)];
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

    /// <summary>What <see cref="PlaneSums{TTerm}"/> adds up for each value x of a plane (and ColumnSums for dense features, in double).</summary>
    private interface ITerm
    {
        static abstract float Mean(float[] mean, int channel);
        static abstract Vector<float> Of(Vector<float> x, Vector<float> mean);
        static abstract float Of(float x, float mean);
        static abstract Vector<double> Of(Vector<double> x, Vector<double> mean);
    }

    private struct Value : ITerm   // x
    {
        public static float Mean(float[] mean, int channel) => 0f;
        public static Vector<float> Of(Vector<float> x, Vector<float> mean) => x;
        public static float Of(float x, float mean) => x;
        public static Vector<double> Of(Vector<double> x, Vector<double> mean) => x;
    }

    private struct SquaredDeviation : ITerm   // (x − μ)²
    {
        public static float Mean(float[] mean, int channel) => mean[channel];
        public static Vector<float> Of(Vector<float> x, Vector<float> mean) { Vector<float> d = x - mean; return d * d; }
        public static float Of(float x, float mean) { float d = x - mean; return d * d; }
        public static Vector<double> Of(Vector<double> x, Vector<double> mean) { Vector<double> d = x - mean; return d * d; }
    }
}
