using System.Numerics;

namespace CnnFromScratch.Fast;

/// <summary>
/// The same four per-channel operations as the naive batch-norm loops, vectorised over each contiguous block of S = H·W
/// values (one channel of one sample) with <see cref="Vector{T}"/>; sums are taken in float per block and in double
/// across blocks. For dense features (S = 1) there is nothing contiguous to vectorise within a channel, and the layer
/// uses the naive loops, which are cheap there.
/// </summary>
internal static class BatchNormFast
{
    public static (double Mean, double Variance) Statistics(float[] x, int n, int c, int s, int ch)
    {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Simd.Sum(x.AsSpan((i * c + ch) * s, s));
        double mean = sum / (n * s), squares = 0;
        for (int i = 0; i < n; i++) squares += SquaredDeviations(x.AsSpan((i * c + ch) * s, s), (float)mean);
        return (mean, squares / (n * s));
    }

    public static void Normalize(float[] x, float[] xHat, float[] y, int n, int c, int s, int ch, double mean, double invStd, float gamma, float beta)
    {
        float mu = (float)mean, inv = (float)invStd;
        Vector<float> vMu = new(mu), vInv = new(inv), vGamma = new(gamma), vBeta = new(beta);
        for (int i = 0; i < n; i++)
        {
            int start = (i * c + ch) * s, j = 0;
            Span<float> xs = x.AsSpan(start, s), hs = xHat.AsSpan(start, s), ys = y.AsSpan(start, s);
            for (; j <= s - Vector<float>.Count; j += Vector<float>.Count)
            {
                Vector<float> h = (new Vector<float>(xs.Slice(j)) - vMu) * vInv;
                h.CopyTo(hs.Slice(j));
                (vGamma * h + vBeta).CopyTo(ys.Slice(j));
            }
            for (; j < s; j++) { hs[j] = (xs[j] - mu) * inv; ys[j] = gamma * hs[j] + beta; }
        }
    }

    public static (double SumDelta, double SumDeltaXHat) Sums(float[] delta, float[] xHat, int n, int c, int s, int ch)
    {
        double sumDelta = 0, sumDeltaXHat = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> d = delta.AsSpan((i * c + ch) * s, s), h = xHat.AsSpan((i * c + ch) * s, s);
            sumDelta += Simd.Sum(d);
            sumDeltaXHat += Simd.Dot(d, h);
        }
        return (sumDelta, sumDeltaXHat);
    }

    public static void InputGradient(float[] delta, float[] xHat, float[] dx, int n, int c, int s, int ch, double a, double b, double e)
    {
        float fa = (float)a, fb = (float)b, fe = (float)e;
        Vector<float> va = new(fa), vb = new(fb), ve = new(fe);
        for (int i = 0; i < n; i++)
        {
            int start = (i * c + ch) * s, j = 0;
            ReadOnlySpan<float> d = delta.AsSpan(start, s), h = xHat.AsSpan(start, s);
            Span<float> g = dx.AsSpan(start, s);
            for (; j <= s - Vector<float>.Count; j += Vector<float>.Count)
                (va * new Vector<float>(d.Slice(j)) + vb + ve * new Vector<float>(h.Slice(j))).CopyTo(g.Slice(j));
            for (; j < s; j++) g[j] = fa * d[j] + fb + fe * h[j];
        }
    }

    private static float SquaredDeviations(ReadOnlySpan<float> x, float mean)
    {
        Vector<float> vMean = new(mean), acc = Vector<float>.Zero;
        int j = 0;
        for (; j <= x.Length - Vector<float>.Count; j += Vector<float>.Count)
        {
            Vector<float> d = new Vector<float>(x.Slice(j)) - vMean;
            acc += d * d;
        }
        float sum = Vector.Sum(acc);
        for (; j < x.Length; j++) { float d = x[j] - mean; sum += d * d; }
        return sum;
    }
}
