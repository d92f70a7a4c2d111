using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

public sealed class DenseTests
{
    [Fact]
    public void Forward_computes_x_times_W_transposed_plus_b()
    {
        var dense = new Dense(3, 2, new Random(1));
        Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }).Data.CopyTo(dense.Weights.Value.Data, 0);
        dense.Bias.Value.Data[0] = 0.5f;
        dense.Bias.Value.Data[1] = -1f;
        Tensor z = dense.Forward(Tensor.From(new float[,] { { 1, 0, -1 }, { 2, 1, 0 } }));
        // row 1: [1·1 + 0·2 − 1·3 + 0.5, 1·4 + 0·5 − 1·6 − 1] ; row 2: [2 + 2 + 0.5, 8 + 5 − 1]
        LayerAssert.Equal(new float[,] { { -1.5f, -3f }, { 4.5f, 12f } }, z);
    }

    // ∂J/∂W is split across cores by rows of W (moved to multiples of 4 for Gemm's tiles); however the rows are split,
    // each element must have the bits of one product over all rows at once, and ∂J/∂x those of one product over the batch.
    [Theory]
    [InlineData(32, 288, 60)]   // the course network's hidden layer
    [InlineData(64, 400, 120)]  // LeNet-5's first dense layer
    [InlineData(17, 84, 10)]
    public void Backward_split_across_cores_gives_the_bits_of_one_product(int n, int d, int k)
    {
        var random = new Random(n + d + k);
        float[] delta = Tensor.RandomNormal(random, 1f, n, k).Data, x = Tensor.RandomNormal(random, 1f, n, d).Data;
        float[] w = Tensor.RandomNormal(random, 1f, k, d).Data;
        float[] dW = Tensor.RandomNormal(random, 1f, k, d).Data, dx = new float[n * d];
        float[] expectedDW = (float[])dW.Clone(), expectedDx = new float[n * d];
        new CnnFromScratch.Fast.DensePass().Backward(delta, x, w, dW, dx, n, d, k);
        CnnFromScratch.Fast.Gemm.MultiplyAdd(delta, 1, k, x, expectedDW, k, n, d);
        CnnFromScratch.Fast.Gemm.MultiplyAdd(delta, k, 1, w, expectedDx, n, k, d);
        Assert.Equal(expectedDW.Select(BitConverter.SingleToInt32Bits), dW.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(expectedDx.Select(BitConverter.SingleToInt32Bits), dx.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Backward_matches_numerical_gradient()
    {
        var random = new Random(2);
        LayerAssert.GradientsMatch(new Dense(7, 5, random), Tensor.RandomNormal(random, 1f, 4, 7));
    }

    // Sizes around the fast kernels' tiles (4 rows × 16 columns, 4×2 dot products, 8-float vectors) and the course network's layers.
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 7, 5)]
    [InlineData(5, 9, 3)]
    [InlineData(7, 37, 19)]
    [InlineData(9, 16, 17)]
    [InlineData(32, 288, 60)]
    [InlineData(32, 60, 10)]
    [InlineData(33, 100, 41)]
    public void Fast_kernels_agree_with_the_naive_loops(int n, int d, int k)
    {
        var random = new Random(n * 10_000 + d * 100 + k);
        Dense naive = new(d, k, new Random(k), implementation: Implementation.Naive), fast = new(d, k, new Random(k));
        Tensor b = Tensor.RandomNormal(random, 1f, k);
        b.Data.CopyTo(naive.Bias.Value.Data, 0);
        b.Data.CopyTo(fast.Bias.Value.Data, 0);
        Tensor x = Tensor.RandomNormal(random, 1f, n, d), delta = Tensor.RandomNormal(random, 1f, n, k);
        LayerAssert.Close(naive.Forward(x), fast.Forward(x), 1e-5, "z");
        LayerAssert.Close(naive.Backward(delta), fast.Backward(delta), 1e-5, "dx");
        LayerAssert.Close(naive.Weights.Gradient, fast.Weights.Gradient, 1e-5, "dW");
        LayerAssert.Close(naive.Bias.Gradient, fast.Bias.Gradient, 1e-5, "db");
    }

    [Fact]
    public void Naive_backward_matches_numerical_gradient()
    {
        var random = new Random(2);
        LayerAssert.GradientsMatch(new Dense(7, 5, random, implementation: Implementation.Naive), Tensor.RandomNormal(random, 1f, 4, 7));
    }

    [Fact]
    public void Naive_kernels_reject_mismatched_weights_with_the_shapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => FullyConnected.ForwardNaive(new Tensor(2, 3), new Tensor(4, 5), new Tensor(4)));
        Assert.Contains("K×3", e.Message);
        Assert.Contains("4×5", e.Message);
    }

    [Fact]
    public void Backward_gives_dW_equal_to_delta_transposed_times_x_and_db_equal_to_column_sums()
    {
        var dense = new Dense(2, 2, new Random(3));
        var x = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } });
        var delta = Tensor.From(new float[,] { { 1, -1 }, { 2, 0.5f } });
        dense.Forward(x);
        Tensor dx = dense.Backward(delta);
        // δᵀx = [[1·1 + 2·3, 1·2 + 2·4], [−1·1 + 0.5·3, −1·2 + 0.5·4]]
        LayerAssert.Equal(new float[,] { { 7, 10 }, { 0.5f, 0 } }, dense.Weights.Gradient);
        Assert.Equal([3f, -0.5f], dense.Bias.Gradient.Data);
        float[] w = dense.Weights.Value.Data;
        Assert.Equal(1 * w[0] - 1 * w[2], dx[0, 0], 5);
        Assert.Equal(2 * w[1] + 0.5f * w[3], dx[1, 1], 5);
    }

    [Fact]
    public void Parameter_gradients_accumulate_across_backward_calls()
    {
        var random = new Random(4);
        var dense = new Dense(3, 2, random);
        var x = Tensor.RandomNormal(random, 1f, 2, 3);
        var delta = Tensor.RandomNormal(random, 1f, 2, 2);
        dense.Forward(x);
        dense.Backward(delta);
        Tensor once = dense.Weights.Gradient.Clone();
        dense.Backward(delta);
        LayerAssert.Close(2f * once, dense.Weights.Gradient, 1e-6, "dW after two backward passes");
    }

    [Fact]
    public void Image_input_suggests_Flatten()
    {
        var dense = new Dense(288, 60, new Random(6));
        var e = Assert.Throws<ShapeMismatchException>(() => dense.Forward(new Tensor(2, 2, 12, 12)));
        Assert.Contains("Dense(288→60)", e.Message);
        Assert.Contains("N×288", e.Message);
        Assert.Contains("2×2×12×12", e.Message);
        Assert.Contains("Flatten", e.Message);
        Assert.Contains("288", Assert.Throws<ShapeMismatchException>(() => dense.OutputShape([2, 12, 12])).Message);
    }

    [Fact]
    public void Wrong_feature_count_names_the_size_to_use()
    {
        var dense = new Dense(10, 3, new Random(7));
        var e = Assert.Throws<ShapeMismatchException>(() => dense.OutputShape([12]));
        Assert.Contains("Dense(10→3)", e.Message);
        Assert.Contains("set inputs to 12", e.Message);
        Assert.Equal([3], dense.OutputShape([10]));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(3, 0)]
    [InlineData(-1, 3)]
    public void Constructor_rejects_non_positive_sizes(int inputs, int outputs) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(inputs, outputs, new Random(0)));

    [Fact]
    public void Backward_before_forward_explains_itself()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new Dense(2, 2, new Random(0)).Backward(new Tensor(1, 2)));
        Assert.Contains("before Forward", e.Message);
    }
}
