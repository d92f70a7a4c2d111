using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

/// <summary>The public kernels give the same teaching messages as the layers.</summary>
public sealed class KernelErrorTests
{
    [Fact]
    public void Convolution_kernels_on_an_image_without_a_channel_dimension_say_how_to_add_it()
    {
        var w = new Tensor(1, 1, 5, 5);
        foreach (Func<Tensor> call in new Func<Tensor>[]
                 {
                     () => Convolution.ForwardNaive(new Tensor(2, 28, 28), w, new Tensor(1)),
                     () => Convolution.ForwardFast(new Tensor(2, 28, 28), w, new Tensor(1)),
                     () => Convolution.BackwardFast(new Tensor(2, 28, 28), w, new Tensor(2, 1, 24, 24)).DInput,
                 })
        {
            var e = Assert.Throws<ShapeMismatchException>(() => call());
            Assert.Contains("2×28×28", e.Message);
            Assert.Contains("1×H×W", e.Message);
        }
    }

    [Fact]
    public void Convolution_kernels_name_the_channel_mismatch_and_a_flat_kernel()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Convolution.ForwardNaive(new Tensor(1, 3, 8, 8), new Tensor(2, 1, 3, 3), new Tensor(2)));
        Assert.Contains("3 channels", e.Message);
        var k = Assert.Throws<ShapeMismatchException>(() => Convolution.ForwardNaive(new Tensor(1, 1, 8, 8), new Tensor(3, 3), new Tensor(1)));
        Assert.Contains("Reshape(1, 1, k, k)", k.Message);
    }

    [Fact]
    public void Pooling_kernels_on_vectors_say_to_reshape_them_into_images()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => MaxPooling.ForwardNaive(new Tensor(4, 16), 2, 2));
        Assert.Contains("Reshape", e.Message);
        var small = Assert.Throws<ShapeMismatchException>(() => AveragePooling.ForwardNaive(new Tensor(1, 1, 1, 1), 2, 2));
        Assert.Contains("does not fit", small.Message);
    }
}
