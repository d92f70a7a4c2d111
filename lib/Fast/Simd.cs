using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CnnFromScratch.Fast;

/// <summary>
/// The two vector primitives the fast kernels are built from: y += a·x and x·y.
/// AVX (8 floats) with fused multiply-add where the CPU has it, otherwise <see cref="Vector{T}"/> of the machine's width.
/// </summary>
/// <remarks>
/// The hot loops of the fast kernels (here and in the other *Fast, Gemm, DirectConvolution and WorkerPool files) are
/// marked <see cref="MethodImplOptions.AggressiveOptimization"/>: a notebook trains for a few hundred batches, too few
/// for tiered compilation to replace its first, unoptimised code, so without it the first epoch ran up to 2× slower.
/// </remarks>
internal static class Simd
{
    /// <summary>y ← y + a·x over the length of <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = y.Length;
        x = x[..n]; // one bounds check for the whole loop
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 8; i += 8)
            {
                var vx = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var vy = Vector256.LoadUnsafe(ref yr, (nuint)i);
                MulAdd(va, vx, vy).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(a);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                (va * new Vector<float>(x[i..]) + new Vector<float>(y[i..])).CopyTo(y[i..]);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i);
    }

    /// <summary>The dot product Σ x_i y_i over the length of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length;
        y = y[..n];
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four accumulators hide the latency of the multiply-add chain (4 cycles, two multiply-adds per cycle).
            Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i <= n - 32; i += 32)
            {
                s0 = MulAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), s0);
                s1 = MulAdd(Vector256.LoadUnsafe(ref xr, (nuint)(i + 8)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 8)), s1);
                s2 = MulAdd(Vector256.LoadUnsafe(ref xr, (nuint)(i + 16)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 16)), s2);
                s3 = MulAdd(Vector256.LoadUnsafe(ref xr, (nuint)(i + 24)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 24)), s3);
            }
            for (; i <= n - 8; i += 8)
                s0 = MulAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), s0);
            sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        }
        else if (Vector.IsHardwareAccelerated)
        {
            var s = Vector<float>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                s += new Vector<float>(x[i..]) * new Vector<float>(y[i..]);
            sum = Vector.Sum(s);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref xr, i) * Unsafe.Add(ref yr, i);
        return sum;
    }

    /// <summary>
    /// <see cref="Relu(ReadOnlySpan{float}, Span{float})"/> over whole arrays (what the ReLU layer passes), split across
    /// cores when they are long (<see cref="ElementwisePass"/>).
    /// </summary>
    public static void Relu(float[] x, float[] y) => ElementwisePass.Relu(x, y);

    /// <summary><see cref="ReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> over whole arrays, split across cores when they are long.</summary>
    public static void ReluBackward(float[] a, float[] g, float[] d) => ElementwisePass.ReluBackward(a, g, d);

    /// <summary>y = max(x, 0) element-wise (a NaN stays NaN, so a diverging network still shows in its loss).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y[..n]); // one bounds check for the whole loop
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), Vector256<float>.Zero, v).StoreUnsafe(ref yr, (nuint)i);
            }
        for (; i < n; i++) Unsafe.Add(ref yr, i) = Unsafe.Add(ref xr, i) < 0f ? 0f : Unsafe.Add(ref xr, i);
    }

    /// <summary>d = g where a &gt; 0, else 0, element-wise: ReLU's backward pass, given its output a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackward(ReadOnlySpan<float> a, ReadOnlySpan<float> g, Span<float> d)
    {
        int n = a.Length;
        g = g[..n];
        d = d[..n];
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float dr = ref MemoryMarshal.GetReference(d);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var positive = Vector256.GreaterThan(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref gr, (nuint)i) & positive).StoreUnsafe(ref dr, (nuint)i);
            }
        for (; i < n; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref ar, i) > 0f ? Unsafe.Add(ref gr, i) : 0f;
    }

    /// <summary>
    /// True when every value is finite: x·0 is 0 for a finite x and NaN for ±∞ or NaN, and NaN survives every sum. (A
    /// plain sum could overflow on finite data, and one accumulator waits for each addition; four do not.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllFinite(ReadOnlySpan<float> x)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        float tail = 0f;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a = Vector256<float>.Zero, b = a, c = a, d = a;
            for (; i <= n - 32; i += 32)
            {
                a += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256<float>.Zero;
                b += Vector256.LoadUnsafe(ref xr, (nuint)(i + 8)) * Vector256<float>.Zero;
                c += Vector256.LoadUnsafe(ref xr, (nuint)(i + 16)) * Vector256<float>.Zero;
                d += Vector256.LoadUnsafe(ref xr, (nuint)(i + 24)) * Vector256<float>.Zero;
            }
            tail = Vector256.Sum(a + b + c + d);
        }
        for (; i < n; i++) tail += Unsafe.Add(ref xr, i) * 0f;
        return tail == 0f;
    }

    /// <summary>
    /// One gradient-descent step, element-wise: θ ← θ − η(g + λθ) (<see cref="Optimizers.Sgd"/>), eight at a time, with the
    /// same operations in the same order as the scalar loop (no fused multiply-add), so the bits do not change.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStep(Span<float> theta, ReadOnlySpan<float> g, float eta, float lambda)
    {
        int n = theta.Length;
        g = g[..n];
        ref float tr = ref MemoryMarshal.GetReference(theta);
        ref float gr = ref MemoryMarshal.GetReference(g);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> e = Vector256.Create(eta), l = Vector256.Create(lambda);
            for (; i <= n - 8; i += 8)
            {
                var t = Vector256.LoadUnsafe(ref tr, (nuint)i);
                (t - e * (Vector256.LoadUnsafe(ref gr, (nuint)i) + l * t)).StoreUnsafe(ref tr, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref tr, i) -= eta * (Unsafe.Add(ref gr, i) + lambda * Unsafe.Add(ref tr, i));
    }

    /// <summary>
    /// One momentum step, element-wise: v ← βv + g + λθ, then θ ← θ − ηv (<see cref="Optimizers.Momentum"/>), eight at a time,
    /// with the same operations in the same order as the scalar loop (no fused multiply-add), so the bits do not change.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MomentumStep(Span<float> theta, Span<float> v, ReadOnlySpan<float> g, float beta, float lambda, float eta)
    {
        int n = theta.Length;
        v = v[..n];
        g = g[..n];
        ref float tr = ref MemoryMarshal.GetReference(theta);
        ref float vr = ref MemoryMarshal.GetReference(v);
        ref float gr = ref MemoryMarshal.GetReference(g);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> b = Vector256.Create(beta), l = Vector256.Create(lambda), e = Vector256.Create(eta);
            for (; i <= n - 8; i += 8)
            {
                var t = Vector256.LoadUnsafe(ref tr, (nuint)i);
                var vi = b * Vector256.LoadUnsafe(ref vr, (nuint)i) + Vector256.LoadUnsafe(ref gr, (nuint)i) + l * t;
                vi.StoreUnsafe(ref vr, (nuint)i);
                (t - e * vi).StoreUnsafe(ref tr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref vr, i) = beta * Unsafe.Add(ref vr, i) + Unsafe.Add(ref gr, i) + lambda * Unsafe.Add(ref tr, i);
            Unsafe.Add(ref tr, i) -= eta * Unsafe.Add(ref vr, i);
        }
    }

    /// <summary>The sum of the elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Sum(ReadOnlySpan<float> x)
    {
        float sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = Vector<float>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count) s += new Vector<float>(x[i..]);
            sum = Vector.Sum(s);
        }
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }

    /// <summary>a·b + c, fused when the CPU has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;
}
