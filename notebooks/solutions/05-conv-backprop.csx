// ---- solution: conv-backward ----
// ∂J/∂W[p,q] = Σᵢⱼ δ[i,j] · a[i+p, j+q]   (the input cross-correlated with δ)
Tensor ConvWeightGradient(Tensor a, Tensor delta)
{
    int k = a.Dim(0) - delta.Dim(0) + 1;
    var dW = new Tensor(k, k);
    for (int p = 0; p < k; p++)
        for (int q = 0; q < k; q++)
            for (int i = 0; i < delta.Dim(0); i++)
                for (int j = 0; j < delta.Dim(1); j++)
                    dW[p, q] += delta[i, j] * a[i + p, j + q];
    return dW;
}

// ∂J/∂a = pad(δ, k − 1) ⊛ rot180(W): slide the rotated kernel over δ padded with k − 1 zeros on every side
Tensor ConvInputGradient(Tensor delta, Tensor w)
{
    int k = w.Dim(0);
    var dA = new Tensor(delta.Dim(0) + k - 1, delta.Dim(1) + k - 1);
    for (int i = 0; i < dA.Dim(0); i++)
        for (int j = 0; j < dA.Dim(1); j++)
            for (int p = 0; p < k; p++)
                for (int q = 0; q < k; q++)
                {
                    int di = i + p - (k - 1), dj = j + q - (k - 1); // position in δ; outside it the padding is 0
                    if (di >= 0 && di < delta.Dim(0) && dj >= 0 && dj < delta.Dim(1))
                        dA[i, j] += delta[di, dj] * w[k - 1 - p, k - 1 - q]; // rot180(W)[p,q] = W[k−1−p, k−1−q]
                }
    return dA;
}

// ---- solution: maxpool-backward ----
// Route each δ to the first maximum of its window (strict '>', reading order), as the forward pass picked it.
Tensor MaxPoolBackward(Tensor x, Tensor delta, int window)
{
    var dX = new Tensor(x.Shape.ToArray());
    for (int n = 0; n < delta.Dim(0); n++)
        for (int c = 0; c < delta.Dim(1); c++)
            for (int i = 0; i < delta.Dim(2); i++)
                for (int j = 0; j < delta.Dim(3); j++)
                {
                    int bestRow = i * window, bestColumn = j * window;
                    for (int p = 0; p < window; p++)
                        for (int q = 0; q < window; q++)
                            if (x[n, c, i * window + p, j * window + q] > x[n, c, bestRow, bestColumn])
                                (bestRow, bestColumn) = (i * window + p, j * window + q);
                    dX[n, c, bestRow, bestColumn] += delta[n, c, i, j];
                }
    return dX;
}

// ---- solution: avgpool-backward ----
// Every input of a window counted 1/window² towards its average, so it receives δ/window².
Tensor AvgPoolBackward(Tensor delta, int[] inputShape, int window)
{
    var dX = new Tensor(inputShape);                 // inputs outside every window keep their 0
    float share = 1f / (window * window);
    for (int n = 0; n < delta.Dim(0); n++)
        for (int c = 0; c < delta.Dim(1); c++)
            for (int i = 0; i < delta.Dim(2); i++)
                for (int j = 0; j < delta.Dim(3); j++)
                    for (int p = 0; p < window; p++)
                        for (int q = 0; q < window; q++)
                            dX[n, c, i * window + p, j * window + q] += delta[n, c, i, j] * share;
    return dX;
}

// ---- solution: leaky-relu-layer ----
sealed class MyLeakyReLU : ILayer
{
    private Tensor _z;                                                                // the input of the last Forward

    public MyLeakyReLU(float slope) => Slope = slope;
    public float Slope { get; }                                                       // α
    public string Name => $"MyLeakyReLU({Slope})";
    public IReadOnlyList<Parameter> Parameters => Array.Empty<Parameter>();           // nothing to learn
    public int[] OutputShape(IReadOnlyList<int> inputShape) => inputShape.ToArray();   // element-wise: same shape

    public Tensor Forward(Tensor input)
    {
        _z = input.Clone();                          // our own copy: the input belongs to the caller, who may change it
        var a = new Tensor(input.Shape.ToArray());
        for (int i = 0; i < a.Length; i++)
            a.Data[i] = input.Data[i] > 0 ? input.Data[i] : Slope * input.Data[i];
        return a;
    }

    public Tensor Backward(Tensor dOutput)
    {
        var dz = new Tensor(dOutput.Shape.ToArray());
        for (int i = 0; i < dz.Length; i++)
            dz.Data[i] = _z.Data[i] > 0 ? dOutput.Data[i] : Slope * dOutput.Data[i];   // ∂J/∂z = ∂J/∂a · (1 or α)
        return dz;
    }
}

// ---- solution: conv-backward-batch ----
// Scatter: δ[n, o, i, j] goes back along every product W[o, c, p, q] · a[n, c, i·s + p − pad, j·s + q − pad] that made z[n, o, i, j].
(Tensor dA, Tensor dW, Tensor db) ConvBackward(Tensor a, Tensor w, Tensor delta, int stride, int padding)
{
    int N = a.Dim(0), C = a.Dim(1), H = a.Dim(2), W = a.Dim(3), O = w.Dim(0), k = w.Dim(2);
    var dA = new Tensor(N, C, H, W);
    var dW = new Tensor(O, C, k, k);
    var db = new Tensor(O);
    for (int n = 0; n < N; n++)
        for (int o = 0; o < O; o++)
            for (int i = 0; i < delta.Dim(2); i++)
                for (int j = 0; j < delta.Dim(3); j++)
                {
                    float d = delta[n, o, i, j];
                    db[o] += d;                                           // the filter's one bias is in every output
                    for (int c = 0; c < C; c++)
                        for (int p = 0; p < k; p++)
                            for (int q = 0; q < k; q++)
                            {
                                int row = i * stride + p - padding, column = j * stride + q - padding;
                                if (row < 0 || row >= H || column < 0 || column >= W) continue;   // a padding zero
                                dW[o, c, p, q] += d * a[n, c, row, column];                   // summed over n, i, j
                                dA[n, c, row, column] += d * w[o, c, p, q];                   // summed over o, p, q
                            }
                }
    return (dA, dW, db);
}

// ---- solution: training-loop ----
double TrainOneEpoch(Sequential model, ILoss loss, IOptimizer optimizer, MiniBatches batches)
{
    batches.Shuffle();                                   // a new order every epoch
    double lossSum = 0;
    for (int b = 0; b < batches.Count; b++)
    {
        var (x, y) = batches.Batch(b);
        model.ZeroGradients();                           // Backward adds into the gradients
        double batchLoss = loss.Forward(model.Forward(x), y);
        model.Backward(loss.Backward());                 // from (ŷ − y)/N down to the first layer
        optimizer.Step(model.Parameters);
        lossSum += batchLoss * x.Dim(0);                 // weight by size: the last batch may be smaller
    }
    return lossSum / batches.SampleCount;
}

// ---- solution: adam-step ----
void AdamStep(Tensor theta, Tensor g, Tensor m, Tensor v, int t, float eta, float beta1, float beta2, float epsilon)
{
    float correction1 = 1 - MathF.Pow(beta1, t), correction2 = 1 - MathF.Pow(beta2, t);   // bias corrections, t from 1
    for (int i = 0; i < theta.Length; i++)
    {
        m.Data[i] = beta1 * m.Data[i] + (1 - beta1) * g.Data[i];                 // running mean of g
        v.Data[i] = beta2 * v.Data[i] + (1 - beta2) * g.Data[i] * g.Data[i];     // running mean of g²
        float mHat = m.Data[i] / correction1, vHat = v.Data[i] / correction2;
        theta.Data[i] -= eta * mHat / (MathF.Sqrt(vHat) + epsilon);
    }
}
