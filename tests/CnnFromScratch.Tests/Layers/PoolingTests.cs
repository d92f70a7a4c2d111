using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

public sealed class PoolingTests
{
    // window, stride, batch, channels, height, width
    public static TheoryData<int, int, int, int, int, int> Geometries => new()
    {
        { 2, 2, 2, 2, 4, 4 },   // windows that tile the input
        { 2, 2, 2, 3, 7, 5 },   // odd sizes: the last row and column are never pooled
        { 3, 2, 2, 2, 7, 5 },   // overlapping windows (stride < window)
        { 2, 3, 1, 2, 8, 7 },   // gaps between windows (stride > window)
        { 3, 1, 3, 1, 5, 6 },   // stride 1
    };

    public static IEnumerable<object[]> LayersAndGeometries() =>
        from kind in new[] { "max", "avg" }
        from implementation in new[] { Implementation.Naive, Implementation.Fast }
        from object[] g in Geometries
        select new object[] { kind, implementation }.Concat(g).ToArray();

    private static ILayer Create(string kind, int window, int stride, Implementation implementation) =>
        kind == "max" ? new MaxPool2d(window, stride, implementation) : new AvgPool2d(window, stride, implementation);

    [Theory]
    [MemberData(nameof(LayersAndGeometries))]
    public void Backward_matches_numerical_gradient(string kind, Implementation implementation, int k, int s, int n, int c, int h, int w)
    {
        var random = new Random(k * 10 + s + h);
        // Distinct values at least 0.009 apart: a ±1e-3 nudge never changes which element is the maximum.
        LayerAssert.GradientsMatch(Create(kind, k, s, implementation), LayerAssert.Distinct(random, n, c, h, w));
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Max_pooling_naive_and_fast_agree(int k, int s, int n, int c, int h, int w)
    {
        var random = new Random(1 + k + s + n + c + h + w);
        Tensor x = Tensor.RandomNormal(random, 1f, n, c, h, w);
        (Tensor z, int[] argmax) = MaxPoolingFast.Forward(x, k, s);
        Assert.Equal(MaxPooling.ForwardNaive(x, k, s).Data, z.Data);
        Tensor delta = Tensor.RandomNormal(random, 1f, z.Shape.ToArray());
        LayerAssert.Close(MaxPooling.BackwardNaive(x, delta, k, s), MaxPoolingFast.Backward(delta, argmax, k, s, new Tensor(n, c, h, w)), 1e-6, "dInput");
    }

    // Wide rows take the fast kernel's vector path (8 windows at a time, the last ones sliding back), narrow rows
    // (fewer than 8 windows) compute 8 windows reading into the next row, and the array's last rows take the scalar path;
    // values from {0, 1, 2} make many ties, which both kernels must give to the first maximum in row-major order.
    [Theory]
    [InlineData(3, 2, 24, 24)]
    [InlineData(2, 1, 6, 37)]
    [InlineData(1, 3, 17, 16)]
    [InlineData(3, 6, 28, 28)]   // LeNet-5's first pooling: rows of 14 windows
    [InlineData(3, 16, 10, 10)]  // LeNet-5's second pooling: rows of 5 windows
    [InlineData(2, 2, 7, 11)]    // odd sizes with narrow rows
    public void Max_pooling_2x2_fast_kernel_breaks_ties_like_the_naive_one_on_wide_rows(int n, int c, int h, int w)
    {
        var random = new Random(n + c + h + w);
        var x = new Tensor(n, c, h, w);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.Next(3);
        (Tensor z, int[] argmax) = MaxPoolingFast.Forward(x, 2, 2);
        Assert.Equal(MaxPooling.ForwardNaive(x, 2, 2).Data, z.Data);
        Tensor delta = Tensor.RandomNormal(random, 1f, z.Shape.ToArray());
        Assert.Equal(MaxPooling.BackwardNaive(x, delta, 2, 2).Data, MaxPoolingFast.Backward(delta, argmax, 2, 2, new Tensor(n, c, h, w)).Data);
    }

    // The fast 2×2 backward writes every input once instead of zeroing the plane and adding each δ at its argmax; it must
    // give the same bits, including 0 + (−0) = +0 at a maximum (rows of 8 or more windows, the last eight sliding back;
    // narrower rows are zeroed and scattered).
    [Theory]
    [InlineData(3, 2, 24, 24)]   // the course network: rows of 12 windows
    [InlineData(2, 6, 28, 28)]   // LeNet-5's first pooling: rows of 14
    [InlineData(2, 16, 10, 10)]  // LeNet-5's second pooling: rows of 5
    [InlineData(1, 3, 8, 32)]    // rows of exactly 16 windows
    public void Max_pooling_2x2_fast_backward_gives_the_bits_of_zeroing_and_adding(int n, int c, int h, int w)
    {
        var random = new Random(n * c + h * w);
        var x = new Tensor(n, c, h, w);
        for (int i = 0; i < x.Length; i++) x.Data[i] = random.Next(3);
        (Tensor z, int[] argmax) = MaxPoolingFast.Forward(x, 2, 2);
        Tensor delta = Tensor.RandomNormal(random, 1f, z.Shape.ToArray());
        for (int i = 0; i < delta.Length; i += 3) delta.Data[i] = -0f;
        delta.Data[1] = float.NaN;
        var expected = new float[x.Length];
        for (int o = 0; o < delta.Length; o++) expected[argmax[o]] += delta.Data[o];
        float[] actual = MaxPoolingFast.Backward(delta, argmax, 2, 2, Tensor.RandomNormal(random, 1f, n, c, h, w)).Data;
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Average_pooling_naive_and_fast_agree(int k, int s, int n, int c, int h, int w)
    {
        var random = new Random(2 + k + s + n + c + h + w);
        Tensor x = Tensor.RandomNormal(random, 1f, n, c, h, w);
        Tensor z = AveragePoolingFast.Forward(x, k, s);
        LayerAssert.Close(AveragePooling.ForwardNaive(x, k, s), z, 1e-5, "output");
        Tensor delta = Tensor.RandomNormal(random, 1f, z.Shape.ToArray());
        LayerAssert.Close(AveragePooling.BackwardNaive(delta, k, s, new Tensor(n, c, h, w)),
            AveragePoolingFast.Backward(delta, k, s, new Tensor(n, c, h, w)), 1e-5, "dInput");
    }

    private static Tensor OneToSixteen() => Tensor.From(new float[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 }, { 13, 14, 15, 16 } }).Reshape(1, 1, 4, 4);

    [Theory]
    [InlineData(Implementation.Naive)]
    [InlineData(Implementation.Fast)]
    public void Worked_example_2x2_average_pooling_of_1_to_16(Implementation implementation)
    {
        var pool = new AvgPool2d(2, implementation: implementation);
        LayerAssert.Equal(new float[,] { { 3.5f, 5.5f }, { 11.5f, 13.5f } }, pool.Forward(OneToSixteen()).Reshape(2, 2));
    }

    [Theory]
    [InlineData(Implementation.Naive)]
    [InlineData(Implementation.Fast)]
    public void Worked_example_max_pooling_backward_puts_delta_at_each_argmax(Implementation implementation)
    {
        // The maxima sit at different corners of the four windows.
        var x = Tensor.From(new float[,] { { 9, 1, 2, 3 }, { 4, 5, 6, 8 }, { 0, 1, 7, 2 }, { 3, 9, 4, 5 } }).Reshape(1, 1, 4, 4);
        var pool = new MaxPool2d(2, implementation: implementation);
        LayerAssert.Equal(new float[,] { { 9, 8 }, { 9, 7 } }, pool.Forward(x).Reshape(2, 2));
        Tensor dx = pool.Backward(Tensor.From(new float[,] { { 1, 2 }, { 8, 4 } }).Reshape(1, 1, 2, 2));
        LayerAssert.Equal(new float[,] { { 1, 0, 0, 0 }, { 0, 0, 0, 2 }, { 0, 0, 4, 0 }, { 0, 8, 0, 0 } }, dx.Reshape(4, 4));
    }

    [Theory]
    [InlineData(Implementation.Naive)]
    [InlineData(Implementation.Fast)]
    public void Worked_example_average_pooling_backward_spreads_delta_over_four(Implementation implementation)
    {
        var pool = new AvgPool2d(2, implementation: implementation);
        pool.Forward(OneToSixteen());
        Tensor dx = pool.Backward(Tensor.From(new float[,] { { 1, 2 }, { 8, 4 } }).Reshape(1, 1, 2, 2));
        LayerAssert.Equal(new float[,] { { 0.25f, 0.25f, 0.5f, 0.5f }, { 0.25f, 0.25f, 0.5f, 0.5f }, { 2, 2, 1, 1 }, { 2, 2, 1, 1 } }, dx.Reshape(4, 4));
    }

    [Fact]
    public void Names_and_output_shapes()
    {
        Assert.Equal("MaxPool2d(2×2, stride 2)", new MaxPool2d(2).Name);
        Assert.Equal("AvgPool2d(3×3, stride 1)", new AvgPool2d(3, 1).Name);
        Assert.Equal([2, 12, 12], new MaxPool2d(2).OutputShape([2, 24, 24]));
        Assert.Equal([3, 3, 2], new AvgPool2d(3, 2).OutputShape([3, 7, 5]));
    }

    [Theory]
    [InlineData("max")]
    [InlineData("avg")]
    public void Shape_errors_name_the_layer_and_both_shapes(string kind)
    {
        ILayer pool = Create(kind, 3, 3, Implementation.Fast);
        var flat = Assert.Throws<ShapeMismatchException>(() => pool.Forward(new Tensor(4, 288)));
        Assert.Contains(pool.Name, flat.Message);
        Assert.Contains("N×C×H×W", flat.Message);
        Assert.Contains("4×288", flat.Message);
        var small = Assert.Throws<ShapeMismatchException>(() => pool.OutputShape([2, 2, 5]));
        Assert.Contains("2×2×5", small.Message);
        Assert.Contains("at least 3", small.Message);
    }

    [Theory]
    [InlineData(0, null, "window")]
    [InlineData(2, 0, "stride")]
    [InlineData(-1, 1, "window")]
    public void Constructors_reject_invalid_hyper_parameters(int window, int? stride, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(window, stride)).ParamName);
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new AvgPool2d(window, stride)).ParamName);
    }

    [Fact]
    public void Backward_before_forward_explains_itself()
    {
        Assert.Contains("before Forward", Assert.Throws<InvalidOperationException>(() => new MaxPool2d(2).Backward(new Tensor(1, 1, 1, 1))).Message);
        Assert.Contains("before Forward", Assert.Throws<InvalidOperationException>(() => new AvgPool2d(2).Backward(new Tensor(1, 1, 1, 1))).Message);
    }
}
