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

    // LeNet-5's first ReLU at batch 256 (1.2 million values, split across cores in blocks) and an odd length past the last block.
    [Theory]
    [InlineData(256, 6, 28, 28)]
    [InlineData(3, 5, 97, 89)]
    public void Long_arrays_split_across_cores_give_the_element_wise_result(int n, int c, int h, int w)
    {
        var random = new Random(n + c + h + w);
        Tensor z = Tensor.RandomNormal(random, 1f, n, c, h, w), delta = Tensor.RandomNormal(random, 1f, n, c, h, w);
        var relu = new ReLU();
        Tensor a = relu.Forward(z), dz = relu.Backward(delta);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(Math.Max(z.Data[i], 0f), a.Data[i]);
            Assert.Equal(z.Data[i] > 0 ? delta.Data[i] : 0f, dz.Data[i]);
        }
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
