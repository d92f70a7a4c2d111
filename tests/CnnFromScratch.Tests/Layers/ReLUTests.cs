using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

public sealed class ReLUTests
{
    [Fact]
    public void Forward_clips_negatives_and_backward_masks_them()
    {
        var relu = new ReLU();
        LayerAssert.Equal(new float[,] { { 0, 2 }, { 0, 0.5f } }, relu.Forward(Tensor.From(new float[,] { { -1, 2 }, { 0, 0.5f } })));
        LayerAssert.Equal(new float[,] { { 0, 20 }, { 0, 40 } }, relu.Backward(Tensor.From(new float[,] { { 10, 20 }, { 30, 40 } })));
    }

    [Fact]
    public void Backward_matches_numerical_gradient_on_images()
    {
        var random = new Random(1);
        LayerAssert.GradientsMatch(new ReLU(), LayerAssert.AwayFromZero(random, 2, 3, 4, 5));
    }

    [Fact]
    public void Rejects_a_tensor_without_a_batch_dimension()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new ReLU().Forward(Tensor.Vector(1, 2)));
        Assert.Contains("ReLU", e.Message);
        Assert.Contains("N×D", e.Message);
        Assert.Contains("2", e.Message);
    }

    [Fact]
    public void Backward_rejects_a_gradient_of_another_shape()
    {
        var relu = new ReLU();
        relu.Forward(new Tensor(2, 3));
        var e = Assert.Throws<ArgumentException>(() => relu.Backward(new Tensor(3, 2)));
        Assert.Contains("2×3", e.Message);
    }
}
