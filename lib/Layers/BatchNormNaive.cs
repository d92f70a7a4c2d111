namespace CnnFromScratch.Layers;

/// <summary>
/// The batch-norm loops of one channel ch, written like the formulas. The data are N×C×S (S = H·W, or 1 for dense
/// features): channel ch of sample i is the S values starting at (i·C + ch)·S, and its m = N·S values are all of them.
/// </summary>
internal static class BatchNormNaive
{
    /// <summary>μ = (1/m) Σ x and σ² = (1/m) Σ (x − μ)² over channel ch.</summary>
    public static (double Mean, double Variance) Statistics(float[] x, int n, int c, int s, int ch)
    {
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++)
            for (int j = (i * c + ch) * s, end = j + s; j < end; j++) sum += x[j];
        double mean = sum / (n * s);
        for (int i = 0; i < n; i++)
            for (int j = (i * c + ch) * s, end = j + s; j < end; j++) { double d = x[j] - mean; squares += d * d; }
        return (mean, squares / (n * s));
    }

    /// <summary>x̂ = (x − μ) · invStd and y = γ x̂ + β over channel ch.</summary>
    public static void Normalize(float[] x, float[] xHat, float[] y, int n, int c, int s, int ch, double mean, double invStd, float gamma, float beta)
    {
        for (int i = 0; i < n; i++)
            for (int j = (i * c + ch) * s, end = j + s; j < end; j++)
            {
                xHat[j] = (float)((x[j] - mean) * invStd);   // x̂ = (x − μ)/√(σ² + ε)
                y[j] = gamma * xHat[j] + beta;               // y = γ x̂ + β
            }
    }

    /// <summary>Σ δ and Σ δ x̂ over channel ch: ∂J/∂β and ∂J/∂γ of this batch.</summary>
    public static (double SumDelta, double SumDeltaXHat) Sums(float[] delta, float[] xHat, int n, int c, int s, int ch)
    {
        double sumDelta = 0, sumDeltaXHat = 0;
        for (int i = 0; i < n; i++)
            for (int j = (i * c + ch) * s, end = j + s; j < end; j++) { sumDelta += delta[j]; sumDeltaXHat += delta[j] * xHat[j]; }
        return (sumDelta, sumDeltaXHat);
    }

    /// <summary>∂J/∂x = a δ + b + e x̂ over channel ch (training: a = γ/s, b = −γ Σδ/(m s), e = −γ Σδx̂/(m s); evaluation: b = e = 0).</summary>
    public static void InputGradient(float[] delta, float[] xHat, float[] dx, int n, int c, int s, int ch, double a, double b, double e)
    {
        for (int i = 0; i < n; i++)
            for (int j = (i * c + ch) * s, end = j + s; j < end; j++) dx[j] = (float)(a * delta[j] + b + e * xHat[j]);
    }
}
