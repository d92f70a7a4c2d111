// ---- solution: dense-backward ----
// Exercise dense-backward: the backward pass of one Dense layer, z = x·Wᵀ + b, for a batch of rows.
//   x: N×D, W: K×D, b: K, delta = ∂J/∂z: N×K (the 1/N of the mean loss is already inside)
//   return (∂J/∂x: N×D, ∂J/∂W: K×D, ∂J/∂b: K). You will not need b itself: z depends on it linearly.
(Tensor dx, Tensor dW, Tensor db) DenseBackward(Tensor x, Tensor W, Tensor b, Tensor delta)
{
    int N = x.Dim(0), D = x.Dim(1), K = W.Dim(0);
    var dx = new Tensor(N, D);
    var dW = new Tensor(K, D);
    var db = new Tensor(K);
    for (int n = 0; n < N; n++)
        for (int k = 0; k < K; k++)
        {
            float d = delta[n, k];
            db[k] += d;                         // ∂J/∂b = Σₙ δₙ
            for (int j = 0; j < D; j++)
            {
                dW[k, j] += d * x[n, j];        // ∂J/∂W = δᵀx
                dx[n, j] += d * W[k, j];        // ∂J/∂x = δ·W
            }
        }
    return (dx, dW, db);
}
// ---- solution: numerical-gradient ----
// Exercise numerical-gradient: the central-difference gradient of f at x, one element at a time.
//   ∂f/∂x_i ≈ (f(x + ε·e_i) − f(x − ε·e_i)) / 2ε; leave x unchanged when you return.
double[] NumericalGradient(Func<double[], double> f, double[] x, double epsilon)
{
    var gradient = new double[x.Length];
    for (int i = 0; i < x.Length; i++)
    {
        double original = x[i];
        x[i] = original + epsilon;
        double plus = f(x);
        x[i] = original - epsilon;
        double minus = f(x);
        x[i] = original;                        // restore before nudging the next element
        gradient[i] = (plus - minus) / (2 * epsilon);
    }
    return gradient;
}

// ---- solution: softmax-ce-gradient ----
// δ = (ŷ − y)/N: the 1/ŷ of the logarithm cancels the softmax's derivative; the 1/N comes from the batch mean.
Tensor SoftmaxCrossEntropyGradient(Tensor z, Tensor y)
{
    int N = z.Dim(0), K = z.Dim(1);
    var delta = new Tensor(N, K);
    for (int n = 0; n < N; n++)
    {
        float max = float.NegativeInfinity;                  // the stable softmax of chapter 3
        for (int k = 0; k < K; k++) max = MathF.Max(max, z[n, k]);
        float sum = 0f;
        for (int k = 0; k < K; k++) sum += MathF.Exp(z[n, k] - max);
        for (int k = 0; k < K; k++)
            delta[n, k] = (MathF.Exp(z[n, k] - max) / sum - y[n, k]) / N;
    }
    return delta;
}
