// ---- solution: convolve2d ----
// z[i, j] = Σ_u Σ_v a[i + u, j + v] · w[u, v]: valid cross-correlation, stride 1, no padding.
// a is H×W, w is f×f, z is (H − f + 1)×(W − f + 1).
Tensor Convolve2d(Tensor a, Tensor w)
{
    int f = w.Dim(0);
    var z = new Tensor(a.Dim(0) - f + 1, a.Dim(1) - f + 1);
    for (int i = 0; i < z.Dim(0); i++)
        for (int j = 0; j < z.Dim(1); j++)
        {
            float sum = 0;
            for (int u = 0; u < f; u++)
                for (int v = 0; v < f; v++)
                    sum += a[i + u, j + v] * w[u, v]; // the kernel as it is: no flip
            z[i, j] = sum;
        }
    return z;
}
// ---- solution: output-size ----
// n_out = ⌊(n + 2p − f) / s⌋ + 1
int OutputSize(int n, int f, int s, int p)
{
    return (n + 2 * p - f) / s + 1; // integer division of a non-negative number is the floor
}
