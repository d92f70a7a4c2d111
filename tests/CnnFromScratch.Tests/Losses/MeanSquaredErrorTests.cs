using CnnFromScratch.Gradients;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Losses;

public sealed class MeanSquaredErrorTests
{
    [Fact]
    public void Uses_the_half_squared_norm_averaged_over_samples()
    {
        var a = Tensor.From(new float[,] { { 1f, 2f }, { 0f, 0f } });
        var y = Tensor.From(new float[,] { { 0f, 0f }, { 3f, 4f } });
        // J = (1/2)·[½(1² + 2²) + ½(3² + 4²)] = (1/2)·(2.5 + 12.5) = 7.5
        var loss = new MeanSquaredError();
        Assert.Equal(7.5, loss.Forward(a, y), precision: 12);
        // ∂J/∂a = (a − y)/N
        Assert.Equal(new[] { 0.5f, 1f, -1.5f, -2f }, loss.Backward().Data);
    }

    [Fact]
    public void Backward_matches_numerical_gradient()
    {
        var random = new Random(3);
        var a = Tensor.RandomNormal(random, 1f, 5, 3);
        var y = Tensor.RandomNormal(random, 1f, 5, 3);
        GradientCheckResult result = GradientChecker.CheckLoss(new MeanSquaredError(), a, y);
        Assert.True(result.Passed, result.ToString());
        Assert.True(result.MaxRelativeError < 1e-4, result.ToString());
    }

    [Fact]
    public void Perfect_prediction_has_zero_loss_and_gradient()
    {
        var loss = new MeanSquaredError();
        var a = Tensor.Vector(1, 2, 3).Reshape(1, 3);
        Assert.Equal(0.0, loss.Forward(a, a.Clone()));
        Assert.All(loss.Backward().Data, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Different_shapes_are_rejected_naming_both()
    {
        var e = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Forward(new Tensor(4, 1), new Tensor(4)));
        Assert.Contains("4×1", e.Message);
        Assert.Contains("targets 4", e.Message);
    }
}
