using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

/// <summary>∂J/∂W with the filters in the vector lanes (16, 32, … filters on small outputs) against the naive loops.</summary>
[Collection(nameof(WorkerPoolSettings))]
public sealed class FilterLanesWeightGradientTests
{
    [Theory]
    [InlineData(6, 16, 5, 0, 3, 14, 14)]   // LeNet-5's second layer: 150 rows p, tiles of 6 exactly
    [InlineData(6, 16, 5, 0, 64, 14, 14)]  // many samples per chunk: Wᵀ sums over the chunk before it is added
    [InlineData(3, 32, 3, 1, 2, 6, 6)]     // 32 filters (two pairs of vectors), 27 rows p: the last tile repeats rows it does not store
    [InlineData(8, 16, 5, 2, 2, 9, 7)]     // padding 2, non-square
    public void Weight_gradient_agrees_with_the_naive_loops(int c, int o, int k, int p, int n, int h, int w)
    {
        var random = new Random(7 * c + o + k + p + n + h + w);
        Tensor x = Tensor.RandomNormal(random, 1f, n, c, h, w), weights = Tensor.RandomNormal(random, 1f, o, c, k, k);
        Tensor delta = Tensor.RandomNormal(random, 1f, Convolution.ForwardNaive(x, weights, new Tensor(o), 1, p).Shape.ToArray());
        var naive = Convolution.BackwardNaive(x, weights, delta, 1, p);
        var fast = Convolution.BackwardFast(x, weights, delta, 1, p);
        LayerAssert.Close(naive.DWeights, fast.DWeights, 1e-4, "∂J/∂W");
        LayerAssert.Close(naive.DInput, fast.DInput, 1e-4, "∂J/∂x");
        LayerAssert.Close(naive.DBias, fast.DBias, 1e-4, "∂J/∂b");
    }

    [Fact]
    public void Fast_backward_with_16_filters_matches_numerical_gradient()
    {
        var random = new Random(21);
        var conv = new Conv2d(2, 16, 3, random, padding: 1);
        LayerAssert.GradientsMatch(conv, Tensor.RandomNormal(random, 1f, 2, 2, 5, 5));
    }
}
