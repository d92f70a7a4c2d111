// ---- solution: maxpool-forward ----
Tensor MaxPoolForward(Tensor x, int window, int stride)
{
    // x: N×C×H×W. Return N×C×outH×outW, outH = ConvArithmetic.OutputSize(H, window, stride) (outW likewise).
    int n = x.Dim(0), channels = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
    int outH = ConvArithmetic.OutputSize(h, window, stride);
    int outW = ConvArithmetic.OutputSize(w, window, stride);
    var y = new Tensor(n, channels, outH, outW);
    for (int s = 0; s < n; s++)
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < outH; i++)
                for (int j = 0; j < outW; j++)
                {
                    // y_ij = max over the window starting at row i·stride, column j·stride.
                    float max = float.NegativeInfinity;
                    for (int p = 0; p < window; p++)
                        for (int q = 0; q < window; q++)
                            max = MathF.Max(max, x[s, c, i * stride + p, j * stride + q]);
                    y[s, c, i, j] = max;
                }
    return y;
}
// ---- solution: stable-softmax ----
Tensor StableSoftmax(Tensor z)
{
    // z: N×K logits. Return N×K probabilities, each row computed as exp(z − rowMax) / Σ exp(z − rowMax).
    int n = z.Dim(0), k = z.Dim(1);
    var yHat = new Tensor(n, k);
    for (int row = 0; row < n; row++)
    {
        // m = this row's maximum: the largest exponent becomes e⁰ = 1, and the sum is at least 1.
        float m = float.NegativeInfinity;
        for (int j = 0; j < k; j++) m = MathF.Max(m, z[row, j]);
        float sum = 0f;
        for (int j = 0; j < k; j++)
        {
            yHat[row, j] = MathF.Exp(z[row, j] - m);
            sum += yHat[row, j];
        }
        for (int j = 0; j < k; j++) yHat[row, j] /= sum;
    }
    return yHat;
}
