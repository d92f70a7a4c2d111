using System.Numerics;
using System.Runtime.CompilerServices;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

/// <summary>
/// The fast loops of <see cref="Dropout"/>: the same mask from the same random numbers (one draw per unit, in order, so a
/// seeded chapter gives the same numbers with either implementation), compiled optimised from the first call, and the
/// products y = x ⊙ m and ∂J/∂x = ∂J/∂y ⊙ m eight units at a time.
/// </summary>
internal static class DropoutFast
{
    /// <summary>
    /// m_i = 1[u_i ≥ p] / (1 − p), u_i = <paramref name="random"/>.NextSingle(), and y = x ⊙ m. First all the draws, in
    /// order, into the mask; then the comparison and the product a vector at a time. Deciding each unit right after its draw
    /// costs a mispredicted branch on every other unit at p = 0.5: 18 ns per unit instead of 7 on this machine's cores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DrawAndApply(Random random, float p, ReadOnlySpan<float> x, Span<float> mask, Span<float> y)
    {
        for (int k = 0; k < mask.Length; k++) mask[k] = random.NextSingle();   // u_i
        int n = mask.Length, i = 0;
        x = x[..n];
        y = y[..n];
        float keep = 1f / (1f - p);
        Vector<float> vp = new(p), vKeep = new(keep);
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector<float> m = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(new Vector<float>(mask[i..]), vp), vKeep, Vector<float>.Zero);
            m.CopyTo(mask[i..]);
            (new Vector<float>(x[i..]) * m).CopyTo(y[i..]);
        }
        for (; i < n; i++)
        {
            float m = mask[i] >= p ? keep : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
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
