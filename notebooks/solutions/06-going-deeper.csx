// ---- solution: multichannel-forward ----
// z[o, i, j] = b[o] + Σ_c Σ_u Σ_v ã[c, i + u, j + v] · w[o, c, u, v]; indices outside the input read the padding, 0.
Tensor ConvForward(Tensor a, Tensor w, Tensor b, int p)
{
    int channels = a.Dim(0), height = a.Dim(1), width = a.Dim(2), filters = w.Dim(0), k = w.Dim(2);
    var z = new Tensor(filters, height + 2 * p - k + 1, width + 2 * p - k + 1);
    for (int o = 0; o < filters; o++)
        for (int i = 0; i < z.Dim(1); i++)
            for (int j = 0; j < z.Dim(2); j++)
            {
                float sum = b[o];                                   // one bias per filter, added once
                for (int c = 0; c < channels; c++)                  // every input channel adds its share
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++)
                        {
                            int y = i + u - p, x = j + v - p;       // the input pixel under w[o, c, u, v]
                            if (y >= 0 && y < height && x >= 0 && x < width) sum += a[c, y, x] * w[o, c, u, v];
                        }
                z[o, i, j] = sum;
            }
    return z;
}

// ---- solution: multichannel-backward ----
// One pass over every output z[o, i, j]: its δ goes to b[o], to every weight that made it (times the input under that weight),
// and back onto its window of every input channel (times the weight): the scattering form of Σ_o pad(δ_o) ⊛ rot180(W_o,c).
(Tensor dW, Tensor db, Tensor da) ConvBackward(Tensor a, Tensor w, Tensor delta)
{
    int channels = a.Dim(0), filters = w.Dim(0), k = w.Dim(2);
    var dW = new Tensor(filters, channels, k, k);
    var db = new Tensor(filters);
    var da = new Tensor(a.Shape.ToArray());
    for (int o = 0; o < filters; o++)
        for (int i = 0; i < delta.Dim(1); i++)
            for (int j = 0; j < delta.Dim(2); j++)
            {
                float d = delta[o, i, j];
                db[o] += d;                                                     // ∂J/∂b[o] = Σ δ[o, ·, ·]
                for (int c = 0; c < channels; c++)
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++)
                        {
                            dW[o, c, u, v] += d * a[c, i + u, j + v];           // ∂J/∂W[o, c] = a[c] ⊛ δ[o]
                            da[c, i + u, j + v] += d * w[o, c, u, v];           // every filter sends its share back
                        }
            }
    return (dW, db, da);
}
