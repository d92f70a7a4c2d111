using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

// Not in parallel with the allocation tests: the large geometries here grow the kernel helper threads' scratch buffers,
// which those tests would count as allocations of their own training batches.
[Collection(nameof(WorkerPoolSettings))]
public sealed class Conv2dTests
{
    // inChannels, outChannels, kernel, stride, padding, batch, height, width
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        { 1, 1, 2, 1, 0, 1, 3, 3 },   // the worked example's shape
        { 1, 2, 5, 1, 0, 2, 8, 8 },   // the course network's first layer, smaller image
        { 2, 3, 3, 1, 1, 2, 7, 5 },   // odd, non-square input with "same" padding
        { 3, 2, 3, 2, 1, 3, 7, 5 },   // stride 2, padding 1
        { 2, 2, 3, 2, 2, 2, 6, 7 },   // stride 2, padding 2
        { 2, 4, 2, 3, 0, 2, 8, 7 },   // stride 3 leaves the last rows and columns unvisited
        { 3, 1, 1, 1, 0, 2, 4, 3 },   // 1×1 kernel
        { 1, 2, 4, 1, 2, 1, 3, 3 },   // kernel larger than the input, made to fit by padding
        { 1, 3, 5, 1, 0, 2, 14, 13 }, // rows of 10 and 9 outputs: the fast kernel's vectors overlap at the row end; an odd filter count
        { 3, 16, 3, 1, 1, 2, 6, 7 },  // 16 filters: ∂J/∂W with the filters in the vector lanes, 27 rows (tiles of 12, 12 and 3)
        { 2, 20, 3, 1, 0, 2, 7, 6 },  // 20 filters: a second block of 16 lanes, 12 of them padding
        { 5, 16, 5, 1, 1, 2, 7, 8 },  // ∂J/∂x by row tiles: 5 channels (a tile of 6 repeats one, or 3 + 2), 7 rows (a last single row)
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Backward_matches_numerical_gradient_naive(int c, int o, int k, int s, int p, int n, int h, int w) =>
        CheckGradients(Implementation.Naive, c, o, k, s, p, n, h, w);

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Backward_matches_numerical_gradient_fast(int c, int o, int k, int s, int p, int n, int h, int w) =>
        CheckGradients(Implementation.Fast, c, o, k, s, p, n, h, w);

    private static void CheckGradients(Implementation implementation, int c, int o, int k, int s, int p, int n, int h, int w)
    {
        var random = new Random(c * 1000 + o * 100 + k * 10 + s + p);
        var conv = new Conv2d(c, o, k, random, s, p, implementation: implementation);
        conv.Bias.Value.Data.AsSpan().Fill(0.3f); // a non-zero bias, so a wrong bias gradient would show
        LayerAssert.GradientsMatch(conv, Tensor.RandomNormal(random, 1f, n, c, h, w));
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    [InlineData(3, 8, 5, 1, 2, 5, 28, 28)]   // more samples than cores, wider than one SIMD block
    [InlineData(4, 3, 3, 2, 0, 3, 13, 17)]
    [InlineData(1, 2, 5, 1, 0, 9, 28, 28)]   // the course network's first layer
    [InlineData(2, 3, 3, 1, 1, 3, 13, 10)]   // odd filter count, rows of 13 outputs
    [InlineData(2, 3, 3, 1, 3, 2, 9, 11)]    // padding beyond k−1: whole rows and columns of only padding
    [InlineData(3, 5, 3, 1, 0, 2, 12, 40)]   // rows of 38 outputs, wider than one register block
    [InlineData(1, 6, 5, 1, 2, 3, 28, 28)]   // LeNet-5's first layer: 6 filters (tiles of 3), padding 2
    [InlineData(6, 16, 5, 1, 0, 3, 14, 14)]  // LeNet-5's second layer: 16 filters (tiles of 4), rows of 10
    [InlineData(6, 16, 5, 1, 0, 256, 14, 14)] // the same at batch 256: many samples per chunk
    [InlineData(32, 64, 3, 1, 0, 2, 26, 26)] // a wide 3×3 layer (PyTorch's MNIST example)
    [InlineData(5, 7, 3, 1, 1, 2, 9, 9)]     // 7 filters: the last tile repeats a row it does not store
    [InlineData(2, 20, 3, 1, 2, 3, 7, 6)]    // 20 filters in lanes: a padded second block, padding beyond the kernel
    [InlineData(7, 17, 5, 1, 2, 2, 11, 19)]  // ∂J/∂x by row tiles: 7 channels, odd height, two blocks of 16 columns
    [InlineData(2, 2, 3, 1, 0, 2, 3, 9)]     // one row of 7 outputs, fewer than a vector: the scalar product
    public void Naive_and_fast_agree_on_output_and_every_gradient(int c, int o, int k, int s, int p, int n, int h, int w)
    {
        var random = new Random(42 + c + o + k + s + p + n + h + w);
        Tensor x = Tensor.RandomNormal(random, 1f, n, c, h, w);
        Tensor weights = Tensor.RandomNormal(random, 1f, o, c, k, k);
        Tensor bias = Tensor.RandomNormal(random, 1f, o);
        LayerAssert.Close(Convolution.ForwardNaive(x, weights, bias, s, p), Convolution.ForwardFast(x, weights, bias, s, p), 1e-4, "output");

        Tensor delta = Tensor.RandomNormal(random, 1f, Convolution.ForwardNaive(x, weights, bias, s, p).Shape.ToArray());
        var naive = Convolution.BackwardNaive(x, weights, delta, s, p);
        var fast = Convolution.BackwardFast(x, weights, delta, s, p);
        LayerAssert.Close(naive.DInput, fast.DInput, 1e-4, "dInput");
        LayerAssert.Close(naive.DWeights, fast.DWeights, 1e-4, "dWeights");
        LayerAssert.Close(naive.DBias, fast.DBias, 1e-4, "dBias");
    }

    [Theory]
    [InlineData(Implementation.Naive)]
    [InlineData(Implementation.Fast)]
    public void Worked_example_3x3_input_and_2x2_kernel_forward(Implementation implementation)
    {
        var a = Image(new float[,] { { 1, 0, 0 }, { 1, 2, 3 }, { 3, 4, 5 } });
        var kernel = Image(new float[,] { { 1, 0 }, { 0, 1 } });
        Tensor z = Forward(implementation, a, kernel, Tensor.Vector(0f), 1, 0);
        LayerAssert.Equal(new float[,] { { 3, 3 }, { 5, 7 } }, z.Reshape(2, 2));
    }

    [Theory]
    [InlineData(Implementation.Naive)]
    [InlineData(Implementation.Fast)]
    public void Worked_example_3x3_input_and_2x2_kernel_backward_written_out_element_by_element(Implementation implementation)
    {
        float[,] a = { { 0.5f, -1, 2 }, { 1.5f, 3, -2 }, { 0.25f, 4, 1 } };
        float[,] w = { { 2, -1 }, { 3, 0.5f } };
        float[,] d = { { 1, -2 }, { 0.5f, 3 } };
        (Tensor dA, Tensor dW, Tensor dB) = implementation == Implementation.Naive
            ? Convolution.BackwardNaive(Image(a), Image(w), Image(d))
            : Convolution.BackwardFast(Image(a), Image(w), Image(d));

        // ∂J/∂a = pad(δ) ∗ rot180(W), each term written out (indices from 1 as in the derivation, here from 0):
        float[,] expectedDa =
        {
            { d[0, 0] * w[0, 0], d[0, 0] * w[0, 1] + d[0, 1] * w[0, 0], d[0, 1] * w[0, 1] },
            {
                d[0, 0] * w[1, 0] + d[1, 0] * w[0, 0],
                d[0, 0] * w[1, 1] + d[0, 1] * w[1, 0] + d[1, 0] * w[0, 1] + d[1, 1] * w[0, 0],
                d[0, 1] * w[1, 1] + d[1, 1] * w[0, 1],
            },
            { d[1, 0] * w[1, 0], d[1, 0] * w[1, 1] + d[1, 1] * w[1, 0], d[1, 1] * w[1, 1] },
        };
        // ∂J/∂W[u,v] = Σ_ij a[i+u, j+v] δ[i,j]: the valid cross-correlation of a with δ.
        var expectedDw = new float[2, 2];
        for (int u = 0; u < 2; u++)
            for (int v = 0; v < 2; v++)
                expectedDw[u, v] = a[u, v] * d[0, 0] + a[u, v + 1] * d[0, 1] + a[u + 1, v] * d[1, 0] + a[u + 1, v + 1] * d[1, 1];

        LayerAssert.Close(Tensor.From(expectedDa), dA.Reshape(3, 3), 1e-6, "∂J/∂a");
        LayerAssert.Close(Tensor.From(expectedDw), dW.Reshape(2, 2), 1e-6, "∂J/∂W");
        Assert.Equal(1 - 2 + 0.5f + 3, dB[0], 6);   // ∂J/∂b = Σδ
    }

    [Fact]
    public void Naive_backward_is_literally_the_full_convolution_with_the_rotated_kernel()
    {
        var random = new Random(3);
        Tensor x = Tensor.RandomNormal(random, 1f, 1, 1, 4, 4), w = Tensor.RandomNormal(random, 1f, 1, 1, 3, 3), d = Tensor.RandomNormal(random, 1f, 1, 1, 2, 2);
        Tensor rotated = Convolution.Rotate180(w);
        Assert.Equal(w[0, 0, 0, 0], rotated[0, 0, 2, 2]);
        Assert.Equal(w[0, 0, 1, 2], rotated[0, 0, 1, 0]);
        // full convolution = stride-1 cross-correlation of δ padded by k−1 with rot180(W)
        Tensor full = Convolution.ForwardNaive(Convolution.Pad(d, 2), rotated, Tensor.Vector(0f));
        LayerAssert.Close(full, Convolution.BackwardNaive(x, w, d).DInput, 1e-6, "dInput");
        Tensor dilated = Convolution.Dilate(Image(new float[,] { { 1, 2 }, { 3, 4 } }), 2, 4, 4);
        LayerAssert.Equal(new float[,] { { 1, 0, 2, 0 }, { 0, 0, 0, 0 }, { 3, 0, 4, 0 }, { 0, 0, 0, 0 } }, dilated.Reshape(4, 4));
    }

    [Fact]
    public void Rotate180_turns_a_single_kxk_kernel_and_explains_other_ranks()
    {
        Assert.Equal(new float[] { 4, 3, 2, 1 }, Convolution.Rotate180(Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } })).Data);
        var e = Assert.Throws<ArgumentException>(() => Convolution.Pad(new Tensor(3, 3), 1));
        Assert.Contains("Reshape(1, 1, H, W)", e.Message);
    }

    [Fact]
    public void Kernel_rejects_a_delta_of_the_wrong_shape_with_the_same_hint_as_the_layers()
    {
        Tensor x = new(1, 1, 4, 4), w = new(1, 1, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => Convolution.BackwardNaive(x, w, new Tensor(1, 1, 4, 4)));
        Assert.Contains("dOutput must have shape 1×1×2×2", e.Message);
        Assert.Contains("the shape the forward pass returned", e.Message);
        e = Assert.Throws<ArgumentException>(() => Convolution.ForwardFast(x, w, new Tensor(2)));
        Assert.Contains("new Tensor(1)", e.Message);
    }

    [Theory]
    [InlineData(Implementation.Naive)]
    [InlineData(Implementation.Fast)]
    public void Parameter_gradients_accumulate(Implementation implementation)
    {
        var random = new Random(5);
        var conv = new Conv2d(2, 3, 3, random, 1, 1, implementation: implementation);
        Tensor x = Tensor.RandomNormal(random, 1f, 3, 2, 5, 5);
        Tensor delta = Tensor.RandomNormal(random, 1f, 3, 3, 5, 5);
        conv.Forward(x);
        conv.Backward(delta);
        Tensor dW = conv.Weights.Gradient.Clone(), db = conv.Bias.Gradient.Clone();
        conv.Backward(delta);
        LayerAssert.Close(2f * dW, conv.Weights.Gradient, 1e-6, "dW");
        LayerAssert.Close(2f * db, conv.Bias.Gradient, 1e-6, "db");
    }

    [Fact]
    public void Name_and_output_shape()
    {
        var conv = new Conv2d(1, 2, 5, new Random(0));
        Assert.Equal("Conv2d(1→2, 5×5, stride 1, padding 0)", conv.Name);
        Assert.Equal([2, 24, 24], conv.OutputShape([1, 28, 28]));
        Assert.Equal([4, 4, 3], new Conv2d(3, 4, 3, new Random(0), 2, 1).OutputShape([3, 7, 5]));
    }

    [Fact]
    public void Wrong_channel_count_says_which_inChannels_to_use()
    {
        var conv = new Conv2d(1, 4, 3, new Random(0));
        var e = Assert.Throws<ShapeMismatchException>(() => conv.Forward(new Tensor(8, 2, 12, 12)));
        Assert.Contains("Conv2d(1→4, 3×3, stride 1, padding 0)", e.Message);
        Assert.Contains("N×1×H×W with 1 input channel", e.Message);
        Assert.Contains("8×2×12×12", e.Message);
        Assert.Contains("set inChannels to 2", e.Message);
    }

    [Fact]
    public void Flat_input_explains_that_conv_needs_images()
    {
        var conv = new Conv2d(1, 2, 5, new Random(0));
        var e = Assert.Throws<ShapeMismatchException>(() => conv.Forward(new Tensor(8, 784)));
        Assert.Contains("8×784", e.Message);
        Assert.Contains("Reshape", e.Message);
        Assert.Contains("1×H×W", Assert.Throws<ShapeMismatchException>(() => conv.OutputShape([28, 28])).Message);
    }

    [Fact]
    public void Kernel_larger_than_the_input_is_rejected_when_the_model_is_built()
    {
        var conv = new Conv2d(2, 2, 5, new Random(0));
        var e = Assert.Throws<ShapeMismatchException>(() => conv.OutputShape([2, 4, 4]));
        Assert.Contains("Conv2d(2→2, 5×5", e.Message);
        Assert.Contains("2×4×4", e.Message);
        Assert.Contains("window of 5", e.Message);
        Assert.Throws<ShapeMismatchException>(() => conv.Forward(new Tensor(1, 2, 4, 4)));
    }

    [Theory]
    [InlineData(0, 1, 3, 1, 0, "inChannels")]
    [InlineData(1, 0, 3, 1, 0, "outChannels")]
    [InlineData(1, 1, 0, 1, 0, "kernelSize")]
    [InlineData(1, 1, 3, 0, 0, "stride")]
    [InlineData(1, 1, 3, 1, -1, "padding")]
    public void Constructor_rejects_invalid_hyper_parameters(int c, int o, int k, int s, int p, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(c, o, k, new Random(0), s, p));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains("Conv2d", e.Message);
    }

    [Fact]
    public void Backward_before_forward_explains_itself() =>
        Assert.Contains("before Forward", Assert.Throws<InvalidOperationException>(() => new Conv2d(1, 1, 2, new Random(0)).Backward(new Tensor(1, 1, 2, 2))).Message);

    private static Tensor Image(float[,] values) => Tensor.From(values).Reshape(1, 1, values.GetLength(0), values.GetLength(1));

    private static Tensor Forward(Implementation implementation, Tensor x, Tensor w, Tensor b, int s, int p) =>
        implementation == Implementation.Naive ? Convolution.ForwardNaive(x, w, b, s, p) : Convolution.ForwardFast(x, w, b, s, p);
}
