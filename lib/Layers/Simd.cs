using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CnnFromScratch.Layers;

/// <summary>
/// The two vector primitives the fast kernels are built from: y += a·x and x·y.
/// AVX (8 floats) with fused multiply-add where the CPU has it, otherwise <see cref="Vector{T}"/> of the machine's width.
/// </summary>
internal static class Simd
{
    /// <summary>y ← y + a·x over the length of <paramref name="y"/>.</summary>
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
                vy = Fma.IsSupported ? Fma.MultiplyAdd(va, vx, vy) : va * vx + vy;
                vy.StoreUnsafe(ref yr, (nuint)i);
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
            // Two accumulators hide the latency of the multiply-add chain.
            Vector256<float> s0 = Vector256<float>.Zero, s1 = Vector256<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                s0 = MulAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), s0);
                s1 = MulAdd(Vector256.LoadUnsafe(ref xr, (nuint)(i + 8)), Vector256.LoadUnsafe(ref yr, (nuint)(i + 8)), s1);
            }
            for (; i <= n - 8; i += 8)
                s0 = MulAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), s0);
            sum = Vector256.Sum(s0 + s1);
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

    /// <summary>The sum of the elements.</summary>
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
