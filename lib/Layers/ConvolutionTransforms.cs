using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>The three transforms of the convolution's backward pass, as the chapters draw them: pad, rotate by 180°, dilate.</summary>
public static partial class Convolution
{
    /// <summary>A new N×C×(H+2p)×(W+2p) tensor: <paramref name="x"/> surrounded by <paramref name="padding"/> rows and columns of zeros.</summary>
    public static Tensor Pad(Tensor x, int padding)
    {
        RequireImages(x, nameof(x));
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        var padded = new Tensor(x.Dim(0), x.Dim(1), x.Dim(2) + 2 * padding, x.Dim(3) + 2 * padding);
        for (int n = 0; n < x.Dim(0); n++)
            for (int c = 0; c < x.Dim(1); c++)
                for (int h = 0; h < x.Dim(2); h++)
                    for (int w = 0; w < x.Dim(3); w++)
                        padded[n, c, h + padding, w + padding] = x[n, c, h, w];
        return padded;
    }

    /// <summary>
    /// A new kernel tensor with every k×k kernel turned by 180°: rot180(W)[o,c,u,v] = W[o,c,k−1−u,k−1−v]. A single k×k
    /// kernel (rank 2) is turned as it is.
    /// </summary>
    public static Tensor Rotate180(Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Rank == 2)
            return Rotate180(weights.Reshape(1, 1, weights.Dim(0), weights.Dim(1))).Reshape(weights.Dim(0), weights.Dim(1));
        RequireImages(weights, nameof(weights));
        int kh = weights.Dim(2), kw = weights.Dim(3);
        var rotated = new Tensor(weights.Shape.ToArray());
        for (int o = 0; o < weights.Dim(0); o++)
            for (int c = 0; c < weights.Dim(1); c++)
                for (int u = 0; u < kh; u++)
                    for (int v = 0; v < kw; v++)
                        rotated[o, c, u, v] = weights[o, c, kh - 1 - u, kw - 1 - v];
        return rotated;
    }

    /// <summary>
    /// A new N×C×<paramref name="height"/>×<paramref name="width"/> tensor holding δ[n,c,i,j] at row i·s and column j·s and zeros elsewhere:
    /// δ as if the layer had stride 1. Rows and columns beyond (OH−1)·s are zero too (inputs the strided windows never reached).
    /// </summary>
    public static Tensor Dilate(Tensor delta, int stride, int height, int width)
    {
        RequireImages(delta, nameof(delta));
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        if (height < (delta.Dim(2) - 1) * stride + 1 || width < (delta.Dim(3) - 1) * stride + 1)
            throw new ArgumentException($"{height}×{width} is too small to hold {TensorShape.Format(delta.Shape)} dilated by stride {stride}.");
        var dilated = new Tensor(delta.Dim(0), delta.Dim(1), height, width);
        for (int n = 0; n < delta.Dim(0); n++)
            for (int c = 0; c < delta.Dim(1); c++)
                for (int i = 0; i < delta.Dim(2); i++)
                    for (int j = 0; j < delta.Dim(3); j++)
                        dilated[n, c, i * stride, j * stride] = delta[n, c, i, j];
        return dilated;
    }

    private static void RequireImages(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.Rank != 4)
            throw new ArgumentException($"{name} must be a rank-4 tensor (N×C×H×W or O×C×k×k); got {TensorShape.Format(t.Shape)}. " +
                "A single H×W image or k×k kernel is 1×1×H×W: Reshape(1, 1, H, W).", name);
    }
}
