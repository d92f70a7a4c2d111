using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

public sealed class ActivationTests
{
    public static TheoryData<string> Activations => ["LeakyReLU", "Sigmoid", "Tanh"];

    private static ILayer Create(string name) => name switch
    {
        "LeakyReLU" => new LeakyReLU(0.1f),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Backward_matches_numerical_gradient(string name)
    {
        var random = new Random(1);
        LayerAssert.GradientsMatch(Create(name), LayerAssert.AwayFromZero(random, 3, 2, 3, 3));
        LayerAssert.GradientsMatch(Create(name), LayerAssert.AwayFromZero(random, 4, 6));
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Rejects_a_tensor_without_a_batch_dimension(string name)
    {
        ILayer layer = Create(name);
        var e = Assert.Throws<ShapeMismatchException>(() => layer.Forward(Tensor.Vector(1, 2, 3)));
        Assert.Contains(layer.Name, e.Message);
        Assert.Equal([2, 5, 5], layer.OutputShape([2, 5, 5]));
    }

    [Fact]
    public void Forward_values_match_the_formulas()
    {
        var z = Tensor.From(new float[,] { { -2, 0, 3 } });
        LayerAssert.Close(Tensor.From(new float[,] { { -0.2f, 0, 3 } }), new LeakyReLU(0.1f).Forward(z), 1e-6, "LeakyReLU");
        LayerAssert.Close(Tensor.From(new float[,] { { 1 / (1 + MathF.Exp(2)), 0.5f, 1 / (1 + MathF.Exp(-3)) } }), new Sigmoid().Forward(z), 1e-6, "Sigmoid");
        LayerAssert.Close(Tensor.From(new float[,] { { MathF.Tanh(-2), 0, MathF.Tanh(3) } }), new Tanh().Forward(z), 1e-6, "Tanh");
    }

    [Fact]
    public void LeakyReLU_rejects_a_negative_slope()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReLU(-0.1f));
        Assert.Contains("slope", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReLU(float.NaN));
        Assert.Equal("LeakyReLU(0.01)", new LeakyReLU().Name);
    }

    [Fact]
    public void Softmax_rows_are_probabilities_even_for_huge_scores()
    {
        Tensor p = new Softmax().Forward(Tensor.From(new float[,] { { 1000, 1001, 1002 }, { 1, 2, 3 } }));
        // Softmax is shift-invariant: both rows equal e^[0,1,2] / Σ.
        float sum = 1 + MathF.E + MathF.E * MathF.E;
        var expected = Tensor.From(new float[,] { { 1 / sum, MathF.E / sum, MathF.E * MathF.E / sum }, { 1 / sum, MathF.E / sum, MathF.E * MathF.E / sum } });
        LayerAssert.Close(expected, p, 1e-6, "softmax");
    }

    [Fact]
    public void Softmax_backward_matches_numerical_gradient()
    {
        var random = new Random(2);
        LayerAssert.GradientsMatch(new Softmax(), Tensor.RandomNormal(random, 2f, 4, 5));
    }

    [Fact]
    public void Softmax_rejects_images()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new Softmax().Forward(new Tensor(2, 1, 3, 3)));
        Assert.Contains("Softmax", e.Message);
        Assert.Contains("N×K", e.Message);
        Assert.Contains("2×1×3×3", e.Message);
    }
}
