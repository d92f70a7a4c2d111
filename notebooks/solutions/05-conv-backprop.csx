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

// ∂J/∂a = pad(δ, k − 1) ⋆ rot180(W): slide the rotated kernel over δ padded with k − 1 zeros on every side
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
