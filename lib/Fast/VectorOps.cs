using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CnnFromScratch.Fast;

/// <summary>
/// The handful of vector operations a register-tiled kernel needs, so one kernel body serves 8-float (AVX) and 16-float
/// (AVX-512) vectors: the JIT compiles a generic method once per struct that implements this, with every call inlined.
/// </summary>
/// <remarks>
/// A kernel written on these gives the same bits at either width as long as it vectorises over independent outputs (each
/// output's sum runs over the same terms in the same order, one fused multiply-add each): the wider vector only computes
/// more outputs at once. <see cref="VectorWidth.Wide"/> says which width the kernels use.
/// </remarks>
internal interface IVectorOps<TVector> where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Broadcast(float value);

    static abstract TVector Load(ref float source, nuint offset);

    static abstract void Store(TVector value, ref float destination, nuint offset);

    /// <summary>a·b + c, rounded once where the CPU has fused multiply-add (as <see cref="Simd.MulAdd"/>).</summary>
    static abstract TVector MulAdd(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);
}

/// <summary>8 floats: <see cref="Vector256{T}"/>, with FMA where present.</summary>
internal readonly struct Lanes8 : IVectorOps<Vector256<float>>
{
    public static int Count => 8;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Simd.MulAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
}

/// <summary>16 floats: <see cref="Vector512{T}"/> (AVX-512F, which always has FMA).</summary>
internal readonly struct Lanes16 : IVectorOps<Vector512<float>>
{
    public static int Count => 16;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
}

/// <summary>Which vector width the kernels built on <see cref="IVectorOps{TVector}"/> use.</summary>
internal static class VectorWidth
{
    /// <summary>True when the CPU runs 16-float vectors natively (AVX-512F).</summary>
    public static bool WideAvailable { get; } = Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported;

    /// <summary>
    /// Use 16-float vectors: on by default where available. Tests turn it off to check that both widths give the same bits,
    /// and the bench to measure what the wide vectors gain.
    /// </summary>
    public static bool Wide
    {
        get => s_wide;
        set => s_wide = value && WideAvailable;
    }

    private static bool s_wide = WideAvailable;
}
