using CnnFromScratch.Gradients;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Gradients;

public sealed class GradientCheckerTests
{
    [Fact]
    public void Numerical_gradient_of_a_cubic_matches_its_derivative()
    {
        var x = Tensor.Vector(0.5f, -1.25f, 2f);
        double[] g = GradientChecker.NumericalGradient(() => x.Data.Sum(v => (double)v * v * v), x);
        for (int i = 0; i < 3; i++) Assert.Equal(3.0 * x.Data[i] * x.Data[i], g[i], 1e-5);
    }

    [Fact]
    public void Relative_error_is_max_difference_over_max_magnitudes()
    {
        GradientCheckResult r = GradientChecker.Compare("w", [1.0, 2.0], [1.0, 2.2], [2], threshold: 0.1);
        Assert.Equal(0.2 / 4.2, r.MaxRelativeError, 12);
        Assert.Equal("w[1]", r.WorstLocation);
        Assert.True(r.Passed);
    }

    [Fact]
    public void A_correct_layer_passes_and_a_broken_backward_is_caught()
    {
        var input = Tensor.RandomNormal(new Random(1), 1f, 2, 3);
        GradientCheckReport good = GradientChecker.CheckLayer(new Square(broken: false), input);
        Assert.True(good.Passed, good.ToString());
        GradientCheckReport bad = GradientChecker.CheckLayer(new Square(broken: true), input);
        Assert.False(bad.Passed);
        Assert.InRange(bad["input"].MaxRelativeError, 0.2, 1.0);
    }

    /// <summary>y = x², whose backward is 2x·dy; the broken one forgets the 2.</summary>
    private sealed class Square(bool broken) : ILayer
    {
        private Tensor? _input;
        public string Name => "Square";
        public IReadOnlyList<Parameter> Parameters => [];
        public int[] OutputShape(IReadOnlyList<int> inputShape) => inputShape.ToArray();
        public Tensor Forward(Tensor input) { _input = input; return input.Map(v => v * v); }
        public Tensor Backward(Tensor dOutput) => (broken ? 1f : 2f) * (_input! * dOutput);
    }
}
