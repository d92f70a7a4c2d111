// ---- solution: one-hot ----
// Y[n, k] = 1 when labels[n] = k, else 0.   labels: N ints in 0..K−1  →  Y: N×K
Tensor OneHotEncode(int[] labels, int K)
{
    var Y = new Tensor(labels.Length, K);          // all zeros
    for (int n = 0; n < labels.Length; n++)
        Y[n, labels[n]] = 1f;                      // row n: a single 1, in column labels[n]
    return Y;
}

// ---- solution: class-means ----
// mean[k, h, w] = (1 / N_k) · Σ over the images n of class k of images[n, 0, h, w]   (N_k = images of class k)
// images: N×1×H×W, labels: N ints in 0..K−1  →  mean: K×H×W
Tensor ClassMeans(Tensor images, int[] labels, int K)
{
    int N = images.Dim(0), H = images.Dim(2), W = images.Dim(3);
    var mean = new Tensor(K, H, W);
    var count = new int[K];
    // Sum every image into its class's slot, counting the images of each class.
    for (int n = 0; n < N; n++)
    {
        int k = labels[n];
        count[k]++;
        for (int h = 0; h < H; h++)
            for (int w = 0; w < W; w++)
                mean[k, h, w] += images[n, 0, h, w];
    }
    // Divide each class's sum by that class's own count N_k.
    for (int k = 0; k < K; k++)
        for (int h = 0; h < H; h++)
            for (int w = 0; w < W; w++)
                mean[k, h, w] /= count[k];
    return mean;
}
