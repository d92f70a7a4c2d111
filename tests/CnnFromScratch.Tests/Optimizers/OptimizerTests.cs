using CnnFromScratch.Layers;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Optimizers;

public sealed class OptimizerTests
{
    private static Parameter WithGradient(float[] value, float[] gradient)
    {
        var p = new Parameter("w", Tensor.Vector(value));
        gradient.CopyTo(p.Gradient.Data, 0);
        return p;
    }

    [Fact]
    public void Sgd_step_subtracts_learning_rate_times_gradient()
    {
        Parameter p = WithGradient([1f, -2f, 0.5f], [0.5f, -1f, 0f]);
        new Sgd(0.1f).Step([p]);
        Assert.Equal(new[] { 0.95f, -1.9f, 0.5f }, p.Value.Data);
    }

    [Fact]
    public void Momentum_accumulates_velocity_as_v_equals_beta_v_plus_g()
    {
        Parameter p = WithGradient([1f], [2f]);
        var momentum = new Momentum(0.1f, beta: 0.5f);
        momentum.Step([p]);        // v = 2;            θ = 1 − 0.1·2 = 0.8
        Assert.Equal(0.8f, p.Value[0], precision: 6);
        p.Gradient[0] = 1f;
        momentum.Step([p]);        // v = 0.5·2 + 1 = 2; θ = 0.8 − 0.1·2 = 0.6
        Assert.Equal(0.6f, p.Value[0], precision: 6);
        p.Gradient[0] = 0f;
        momentum.Step([p]);        // v = 1 (no gradient, still moving); θ = 0.5
        Assert.Equal(0.5f, p.Value[0], precision: 6);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17_923)]  // the course network's parameter count: vectors and a tail
    public void Sgd_step_is_the_formula_element_by_element_at_every_size(int length)
    {
        var random = new Random(length);
        float[] Random() => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] theta = Random(), g = Random();
        Parameter p = WithGradient(theta, g);
        new Sgd(0.05f, weightDecay: 1e-3f).Step([p]);
        for (int i = 0; i < length; i++)
            Assert.Equal(theta[i] - 0.05f * (g[i] + 1e-3f * theta[i]), p.Value.Data[i]); // θ ← θ − η(g + λθ), the same bits
    }

    [Theory]
    [InlineData(13)]      // shorter than a vector: the scalar tail only
    [InlineData(48_123)]  // Dense(400→120)'s size and more: split across the cores, with a tail
    public void Momentum_step_is_the_formula_element_by_element_at_every_size(int length)
    {
        var random = new Random(length);
        float[] Random() => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] theta = Random(), g1 = Random(), g2 = Random();
        Parameter p = WithGradient(theta, g1);
        var momentum = new Momentum(0.05f, beta: 0.9f, weightDecay: 1e-3f);
        momentum.Step([p]);
        g2.CopyTo(p.Gradient.Data, 0);
        momentum.Step([p]);
        for (int i = 0; i < length; i++)
        {
            float v = 0f, t = theta[i];
            foreach (float g in new[] { g1[i], g2[i] })
            {
                v = 0.9f * v + g + 1e-3f * t; // v ← βv + g + λθ
                t -= 0.05f * v;               // θ ← θ − ηv
            }
            Assert.Equal(t, p.Value.Data[i]); // the same float operations in the same order: the same bits
        }
    }

    [Fact]
    public void Adam_first_step_moves_each_weight_by_learning_rate_times_sign_of_gradient()
    {
        // With bias correction m̂ = g and v̂ = g² at t = 1, so the step is η g / (|g| + ε) ≈ η sign(g), whatever |g| is.
        Parameter p = WithGradient([1f, 1f, 1f, 1f], [1e-3f, -5f, 200f, -0.02f]);
        new Adam(0.01f).Step([p]);
        Assert.Equal(new[] { 0.99f, 1.01f, 0.99f, 1.01f }, p.Value.Data.Select(v => MathF.Round(v, 6)));
    }

    [Fact]
    public void Adam_second_step_matches_hand_computation()
    {
        Parameter p = WithGradient([0f], [1f]);
        var adam = new Adam(0.1f, beta1: 0.9f, beta2: 0.999f, epsilon: 1e-8f);
        adam.Step([p]);
        p.Gradient[0] = 3f;
        adam.Step([p]);
        // t = 2: m = 0.9·0.1 + 0.1·3 = 0.39, v = 0.999·0.001 + 0.001·9 = 0.009999
        // m̂ = 0.39 / 0.19, v̂ = 0.009999 / 0.001999; θ = −0.1 − 0.1·m̂/√v̂
        double mHat = 0.39 / (1 - 0.81), vHat = 0.009999 / (1 - 0.998001);
        Assert.Equal(-0.1 - 0.1 * mHat / Math.Sqrt(vHat), p.Value[0], precision: 5);
    }

    public static TheoryData<string> Optimizers => new() { "sgd", "momentum", "adam" };

    private static IOptimizer Create(string name) => name switch
    {
        "sgd" => new Sgd(0.1f),
        "momentum" => new Momentum(0.05f, 0.9f),
        _ => new Adam(0.05f),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Minimises_an_ill_conditioned_quadratic(string name)
    {
        // J(θ) = ½ Σ_i c_i (θ_i − t_i)², gradient c ⊙ (θ − t), minimum at t.
        float[] c = [1f, 4f, 0.5f], t = [3f, -2f, 1f];
        var p = new Parameter("θ", new Tensor(3));
        IOptimizer optimizer = Create(name);
        for (int step = 0; step < 500; step++)
        {
            for (int i = 0; i < 3; i++) p.Gradient[i] = c[i] * (p.Value[i] - t[i]);
            optimizer.Step([p]);
        }
        for (int i = 0; i < 3; i++) Assert.Equal(t[i], p.Value[i], precision: 2);
    }

    [Fact]
    public void State_is_kept_per_parameter()
    {
        Parameter a = WithGradient([0f], [1f]), b = WithGradient([0f], [1f]);
        var momentum = new Momentum(1f, 0.5f);
        momentum.Step([a]);
        momentum.Step([a, b]); // a: v = 1.5, b: first step, v = 1
        Assert.Equal(-2.5f, a.Value[0]);
        Assert.Equal(-1f, b.Value[0]);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Bad_learning_rates_are_rejected(float eta)
    {
        Assert.Contains("learning rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(eta)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum(eta));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(eta));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam().LearningRate = eta);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public void Betas_outside_zero_to_one_are_rejected(float beta)
    {
        Assert.Contains("[0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum(0.1f, beta)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: beta));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: beta));
    }

    [Fact]
    public void Learning_rate_can_be_changed_between_steps()
    {
        Parameter p = WithGradient([0f], [1f]);
        var sgd = new Sgd(0.1f);
        sgd.Step([p]);
        sgd.LearningRate = 0.01f;
        sgd.Step([p]);
        Assert.Equal(-0.11f, p.Value[0], precision: 6);
    }
}
