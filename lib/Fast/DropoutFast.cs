using System.Numerics;
using System.Runtime.CompilerServices;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

/// <summary>
/// The fast loops of <see cref="Dropout"/>: the same mask as its plain loop (u_i = <see cref="Dropout.Uniform"/>(k, i), the
/// same integer hash on eight units at a time, exact in integers), and the products y = x ⊙ m and ∂J/∂x = ∂J/∂y ⊙ m eight
/// units at a time.
/// </summary>
internal static class DropoutFast
{
    private static readonly uint[] Lanes = Enumerable.Range(0, Vector<uint>.Count).Select(i => (uint)i).ToArray();

    /// <summary>m_i = 1[u_i ≥ p] / (1 − p) with u_i = <see cref="Dropout.Uniform"/>(k, i), and y = x ⊙ m, in one sweep.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DrawAndApply(uint k, float p, ReadOnlySpan<float> x, Span<float> mask, Span<float> y)
    {
        int n = mask.Length, i = 0, w = Vector<uint>.Count;
        x = x[..n];
        y = y[..n];
        float keep = 1f / (1f - p);
        Vector<float> vp = new(p), vKeep = new(keep), scale = new(1f / (1 << 24));
        Vector<uint> vk = new(k), index = new(Lanes), step = new((uint)w);
        for (; i <= n - w; i += w, index += step)
        {
            Vector<uint> h = Hash(Hash(vk + index) ^ vk);
            Vector<float> u = Vector.ConvertToSingle(Vector.AsVectorInt32(Vector.ShiftRightLogical(h, 8))) * scale;
            Vector<float> m = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(u, vp), vKeep, Vector<float>.Zero);
            m.CopyTo(mask[i..]);
            (new Vector<float>(x[i..]) * m).CopyTo(y[i..]);
        }
        for (; i < n; i++)
        {
            float m = Dropout.Uniform(k, i) >= p ? keep : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    // Dropout.Hash on each lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Hash(Vector<uint> x)
    {
        x ^= Vector.ShiftRightLogical(x, 16);
        x *= new Vector<uint>(0x7feb352d);
        x ^= Vector.ShiftRightLogical(x, 15);
        x *= new Vector<uint>(0x846ca68b);
        return x ^ Vector.ShiftRightLogical(x, 16);
    }

    /// <summary>y = a ⊙ m element-wise (forward with a frozen mask, and backward).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> m, Span<float> y)
    {
        int n = y.Length, i = 0;
        a = a[..n];
        m = m[..n];
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(a[i..]) * new Vector<float>(m[i..])).CopyTo(y[i..]);
        for (; i < n; i++) y[i] = a[i] * m[i];
    }
}
