// ---- solution: batchnorm-backward ----
(Tensor DInput, Tensor DGamma, Tensor DBeta) BatchNormBackward(Tensor x, Tensor gamma, Tensor delta, float epsilon)
{
    int n = x.Dim(0), d = x.Dim(1);
    var dx = new Tensor(n, d);
    var dGamma = new Tensor(d);
    var dBeta = new Tensor(d);
    for (int j = 0; j < d; j++)
    {
        double mean = 0, variance = 0;
        for (int i = 0; i < n; i++) mean += x[i, j];
        mean /= n;
        for (int i = 0; i < n; i++) variance += (x[i, j] - mean) * (x[i, j] - mean);
        variance /= n;                                     // the biased variance, as the forward pass uses
        double s = Math.Sqrt(variance + epsilon);
        var xHat = new double[n];
        double sumDelta = 0, sumDeltaXHat = 0;
        for (int i = 0; i < n; i++)
        {
            xHat[i] = (x[i, j] - mean) / s;
            sumDelta += delta[i, j];
            sumDeltaXHat += delta[i, j] * xHat[i];
        }
        dBeta[j] = (float)sumDelta;                        // ∂J/∂β = Σ δ
        dGamma[j] = (float)sumDeltaXHat;                   // ∂J/∂γ = Σ δ x̂
        for (int i = 0; i < n; i++)                        // ∂J/∂x = γ/(N s) · (N δ − Σ δ − x̂ Σ δ x̂)
            dx[i, j] = (float)(gamma[j] / (n * s) * (n * delta[i, j] - sumDelta - xHat[i] * sumDeltaXHat));
    }
    return (dx, dGamma, dBeta);
}
// ---- solution: weight-decay ----
void SgdStepWithWeightDecay(Tensor theta, Tensor gradient, float eta, float lambda)
{
    for (int i = 0; i < theta.Length; i++)
        theta.Data[i] -= eta * (gradient.Data[i] + lambda * theta.Data[i]);   // θ ← θ − η (g + λθ)
}
// ---- solution: dropout ----
Tensor DropoutForward(Tensor x, Tensor u, float p)
{
    var y = new Tensor(x.Shape.ToArray());
    for (int i = 0; i < x.Length; i++) y.Data[i] = u.Data[i] >= p ? x.Data[i] / (1 - p) : 0f;   // x ⊙ m, m = 1[u ≥ p]/(1 − p)
    return y;
}

Tensor DropoutBackward(Tensor delta, Tensor u, float p)
{
    var dx = new Tensor(delta.Shape.ToArray());
    for (int i = 0; i < delta.Length; i++) dx.Data[i] = u.Data[i] >= p ? delta.Data[i] / (1 - p) : 0f;   // δ ⊙ m, the same mask
    return dx;
}
