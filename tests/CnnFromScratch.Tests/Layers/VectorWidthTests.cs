using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

// The 16-float (AVX-512) kernels must give the same bits as the 8-float ones, so a chapter prints the same numbers on
// every machine. Not in parallel with the tests that set the worker pool: this one switches the width for the process.
[Collection(nameof(WorkerPoolSettings))]
public sealed class VectorWidthTests
{
    [SkippableTheory]
    [InlineData(1, 2, 5, 0, 9, 28, 28, 1)]    // the course network's first layer
    [InlineData(1, 6, 5, 2, 3, 28, 28, 1)]    // LeNet-5's first layer (6 filters: three pairs)
    [InlineData(6, 16, 5, 0, 3, 14, 14, 1)]   // LeNet-5's second layer (rows of 10: a tail of length mod 8)
    [InlineData(6, 16, 5, 0, 64, 14, 14, 1)]  // the same, many samples per chunk
    [InlineData(5, 7, 3, 1, 2, 9, 9, 1)]      // 7 filters: an odd last row, repeated tiles
    [InlineData(3, 5, 3, 0, 2, 12, 40, 1)]    // rows of 38 outputs
    [InlineData(2, 3, 3, 1, 3, 13, 10, 1)]    // rows of 13, shorter than two 16-float vectors
    [InlineData(32, 64, 3, 0, 2, 26, 26, 1)]  // a wide 3×3 layer
    [InlineData(2, 20, 3, 1, 3, 7, 6, 1)]     // 20 filters in the vector lanes: a padded second block of 16
    [InlineData(8, 16, 5, 0, 5, 14, 14, 1)]   // chapter 7's second layer
    [InlineData(7, 17, 5, 2, 2, 11, 19, 1)]   // ∂J/∂x by row tiles: 7 channels, odd height, two blocks of columns
    [InlineData(5, 40, 3, 1, 3, 23, 21, 2)]   // stride 2: im2col and the matrix products
    public void Both_vector_widths_give_the_same_bits(int c, int o, int k, int p, int n, int h, int w, int stride)
    {
        Skip.IfNot(VectorWidth.WideAvailable, "This CPU has no AVX-512: only the 8-float kernels run here.");
        var random = new Random(7 + c + o + k + p + n + h + w);
        Tensor x = Tensor.RandomNormal(random, 1f, n, c, h, w);
        Tensor weights = Tensor.RandomNormal(random, 1f, o, c, k, k);
        Tensor bias = Tensor.RandomNormal(random, 1f, o);
        Tensor delta = Tensor.RandomNormal(random, 1f, Convolution.ForwardNaive(x, weights, bias, stride, p).Shape.ToArray());
        (Tensor Output, (Tensor DInput, Tensor DWeights, Tensor DBias) Gradients) Run() =>
            (Convolution.ForwardFast(x, weights, bias, stride, p), Convolution.BackwardFast(x, weights, delta, stride, p));
        var wide = AtWidth(true, Run);
        var narrow = AtWidth(false, Run);
        AssertSameBits(narrow.Output, wide.Output, "output");
        AssertSameBits(narrow.Gradients.DWeights, wide.Gradients.DWeights, "∂J/∂W");
        AssertSameBits(narrow.Gradients.DBias, wide.Gradients.DBias, "∂J/∂b");
        AssertSameBits(narrow.Gradients.DInput, wide.Gradients.DInput, "∂J/∂x");
    }

    [SkippableTheory]
    [InlineData(64, 400, 120)]  // LeNet-5's first dense layer
    [InlineData(7, 37, 45)]     // 37 columns: a 32-column tile, then 5 one at a time; 7 rows: a 4-row tile and 3 single rows
    [InlineData(5, 300, 70)]    // 300 = 9 tiles of 32 + an 8-float tile + 4 columns
    public void Dense_products_give_the_same_bits_at_both_widths(int n, int d, int k)
    {
        Skip.IfNot(VectorWidth.WideAvailable, "This CPU has no AVX-512: only the 8-float kernels run here.");
        var random = new Random(n + d + k);
        Tensor x = Tensor.RandomNormal(random, 1f, n, d);
        Tensor delta = Tensor.RandomNormal(random, 1f, n, k);
        (Tensor Output, Tensor DInput, Tensor DWeights) Run()
        {
            var layer = new Dense(d, k, new Random(1));
            Tensor z = layer.Forward(x).Clone();
            Tensor dx = layer.Backward(delta).Clone();
            return (z, dx, layer.Weights.Gradient.Clone());
        }
        var wide = AtWidth(true, Run);
        var narrow = AtWidth(false, Run);
        AssertSameBits(narrow.Output, wide.Output, "output");
        AssertSameBits(narrow.DWeights, wide.DWeights, "∂J/∂W");
        AssertSameBits(narrow.DInput, wide.DInput, "∂J/∂x");
    }

    // Runs with 16-float (wide) or 8-float kernels, then puts the machine's default back.
    private static T AtWidth<T>(bool wide, Func<T> run)
    {
        try
        {
            VectorWidth.Wide = wide;
            return run();
        }
        finally
        {
            VectorWidth.Wide = VectorWidth.WideAvailable;
        }
    }

    private static void AssertSameBits(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected.Data[i]) != BitConverter.SingleToInt32Bits(actual.Data[i]))
                Assert.Fail($"{what}[{i}]: 8-float kernels give {expected.Data[i]:R}, 16-float kernels {actual.Data[i]:R}.");
    }
}
