namespace CnnFromScratch.Layers;

/// <summary>
/// The batch-norm loops, channel by channel, written like the formulas. The data are N×C×S (S = H·W, or 1 for dense
/// features): channel ch of sample i is the S values starting at (i·C + ch)·S, and its m = N·S values are all of them.
/// Per-channel quantities (μ, σ², 1/√(σ² + ε), γ, β, the sums) are arrays of C. Each loop takes the channels [from, to):
/// <see cref="BatchNorm"/> gives the naive loops all of them at once, the fast kernels a group at a time.
/// </summary>
internal static class BatchNormNaive
{
    /// <summary>μ = (1/m) Σ x and σ² = (1/m) Σ (x − μ)² over each channel.</summary>
    public static void Statistics(float[] x, int n, int c, int s, int from, int to, double[] mean, double[] variance)
    {
        for (int ch = from; ch < to; ch++)
        {
            double sum = 0, squares = 0;
            for (int i = 0; i < n; i++)
                for (int j = (i * c + ch) * s, end = j + s; j < end; j++) sum += x[j];
            mean[ch] = sum / (n * s);
            for (int i = 0; i < n; i++)
                for (int j = (i * c + ch) * s, end = j + s; j < end; j++) { double d = x[j] - mean[ch]; squares += d * d; }
            variance[ch] = squares / (n * s);
        }
    }

    /// <summary>y = γ x̂ + β over each channel, x̂ = (x − μ) · invStd.</summary>
    public static void Normalize(float[] x, float[] y, int n, int c, int s, int from, int to, double[] mean, double[] invStd, float[] gamma, float[] beta)
    {
        for (int ch = from; ch < to; ch++)
            for (int i = 0; i < n; i++)
                for (int j = (i * c + ch) * s, end = j + s; j < end; j++) y[j] = gamma[ch] * XHat(x[j], mean[ch], invStd[ch]) + beta[ch];
    }

    /// <summary>Σ δ and Σ δ x̂ over each channel: ∂J/∂β and ∂J/∂γ of this batch.</summary>
    public static void Sums(float[] delta, float[] x, int n, int c, int s, int from, int to, double[] mean, double[] invStd, double[] sumDelta, double[] sumDeltaXHat)
    {
        for (int ch = from; ch < to; ch++)
        {
            double sd = 0, sdx = 0;
            for (int i = 0; i < n; i++)
                for (int j = (i * c + ch) * s, end = j + s; j < end; j++) { sd += delta[j]; sdx += delta[j] * XHat(x[j], mean[ch], invStd[ch]); }
            (sumDelta[ch], sumDeltaXHat[ch]) = (sd, sdx);
        }
    }

    /// <summary>∂J/∂x = a δ + b + e x̂ over each channel, with the per-channel a, b, e of <see cref="BatchNorm.Backward"/>.</summary>
    public static void InputGradient(float[] delta, float[] x, float[] dx, int n, int c, int s, int from, int to, double[] mean, double[] invStd, double[] a, double[] b, double[] e)
    {
        for (int ch = from; ch < to; ch++)
            for (int i = 0; i < n; i++)
                for (int j = (i * c + ch) * s, end = j + s; j < end; j++)
                    dx[j] = (float)(a[ch] * delta[j] + b[ch] + e[ch] * XHat(x[j], mean[ch], invStd[ch]));
    }

    /// <summary>
    /// x̂ = (x − μ)/√(σ² + ε). Backward computes it again from x rather than keeping it from Forward: the same bits, and one
    /// array fewer to write and read back (LeNet-5's first feature maps are 4.8 MB of floats at batch 256).
    /// </summary>
    public static float XHat(float x, double mean, double invStd) => (float)((x - mean) * invStd);
}
