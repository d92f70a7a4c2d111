using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

public sealed class FlattenTests
{
    [Fact]
    public void Forward_flattens_each_sample_in_row_major_order_and_backward_restores_the_shape()
    {
        var random = new Random(1);
        var flatten = new Flatten();
        Tensor x = Tensor.RandomNormal(random, 1f, 2, 3, 4, 5);
        Tensor y = flatten.Forward(x);
        Assert.Equal([2, 60], y.Shape);
        Assert.Equal(x[1, 2, 3, 4], y[1, (2 * 4 + 3) * 5 + 4]);
        Tensor dy = Tensor.RandomNormal(random, 1f, 2, 60);
        Tensor dx = flatten.Backward(dy);
        Assert.Equal([2, 3, 4, 5], dx.Shape);
        Assert.Equal(dy[1, 17], dx[1, 0, 3, 2]);
        Assert.Equal([60], flatten.OutputShape([3, 4, 5]));
    }

    [Fact]
    public void Backward_matches_numerical_gradient()
    {
        var random = new Random(2);
        LayerAssert.GradientsMatch(new Flatten(), Tensor.RandomNormal(random, 1f, 3, 2, 3, 3));
    }

    [Fact]
    public void Rejects_a_tensor_without_a_batch_dimension()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new Flatten().Forward(Tensor.Vector(1, 2, 3)));
        Assert.Contains("Flatten", e.Message);
        Assert.Contains("3", e.Message);
    }
}
