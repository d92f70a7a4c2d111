using CnnFromScratch.Layers;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Optimizers;

/// <summary>Weight decay λ: the loss gains ½λ‖θ‖², so every optimiser sees the gradient g + λθ.</summary>
public sealed class WeightDecayTests
{
    private static Parameter WithGradient(float value, float gradient)
    {
        var p = new Parameter("w", Tensor.Vector(value));
        p.Gradient[0] = gradient;
        return p;
    }

    [Fact]
    public void Sgd_with_weight_decay_steps_along_g_plus_lambda_theta()
    {
        Parameter p = WithGradient(2f, 0.5f);
        new Sgd(0.1f, weightDecay: 0.01f).Step([p]);
        Assert.Equal(2f - 0.1f * (0.5f + 0.01f * 2f), p.Value[0], precision: 6); // θ − η (g + λθ)
    }

    [Fact]
    public void Sgd_with_weight_decay_and_no_gradient_shrinks_the_weight_by_1_minus_eta_lambda()
    {
        Parameter p = WithGradient(3f, 0f);
        var sgd = new Sgd(0.5f, weightDecay: 0.2f);
        for (int t = 0; t < 3; t++) sgd.Step([p]);
        Assert.Equal(3f * MathF.Pow(1 - 0.5f * 0.2f, 3), p.Value[0], precision: 5); // "decay": θ ← (1 − ηλ) θ
    }

    [Fact]
    public void Momentum_adds_lambda_theta_to_the_velocity()
    {
        Parameter p = WithGradient(1f, 2f);
        var momentum = new Momentum(0.1f, beta: 0.5f, weightDecay: 0.1f);
        momentum.Step([p]);   // v = 2 + 0.1·1 = 2.1;  θ = 1 − 0.21 = 0.79
        Assert.Equal(0.79f, p.Value[0], precision: 6);
        momentum.Step([p]);   // v = 0.5·2.1 + 2 + 0.1·0.79 = 3.129;  θ = 0.79 − 0.3129
        Assert.Equal(0.79f - 0.3129f, p.Value[0], precision: 5);
    }

    [Fact]
    public void Adam_feeds_g_plus_lambda_theta_into_its_moments()
    {
        // With λ the first Adam step is −η·sign(g + λθ): a gradient of 0.001 is outweighed by λθ = 0.05.
        Parameter p = WithGradient(5f, 0.001f);
        new Adam(0.01f, weightDecay: 0.01f).Step([p]);
        Assert.Equal(5f - 0.01f, p.Value[0], precision: 4);
        Parameter q = WithGradient(5f, -0.001f);
        new Adam(0.01f, weightDecay: 0.01f).Step([q]);
        Assert.Equal(5f - 0.01f, q.Value[0], precision: 4);  // sign(−0.001 + 0.05) > 0: still moves down
    }

    [Fact]
    public void Zero_weight_decay_changes_nothing()
    {
        Parameter a = WithGradient(2f, 0.5f), b = WithGradient(2f, 0.5f);
        new Momentum(0.1f).Step([a]);
        new Momentum(0.1f, weightDecay: 0f).Step([b]);
        Assert.Equal(a.Value[0], b.Value[0]);
    }

    [Theory]
    [InlineData(-1e-4f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Negative_or_non_finite_weight_decay_is_rejected(float lambda)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f, lambda));
        Assert.Contains("weight decay", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum(0.1f, weightDecay: lambda));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(weightDecay: lambda));
    }

    [Fact]
    public void The_name_shows_lambda_when_it_is_set()
    {
        Assert.Equal("SGD(η=0.1, λ=0.0005)", new Sgd(0.1f, 5e-4f).Name);
        Assert.Equal("SGD(η=0.1)", new Sgd(0.1f).Name);
    }
}
