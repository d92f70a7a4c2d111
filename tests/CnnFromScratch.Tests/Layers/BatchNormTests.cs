using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Layers;

public sealed class BatchNormTests
{
    [Fact]
    public void Training_forward_gives_each_feature_mean_0_and_variance_1_then_applies_gamma_and_beta()
    {
        // Two features over a batch of 4: feature 0 is 1, 2, 3, 4 (μ = 2.5, σ² = 1.25), feature 1 is constant 7.
        var bn = new BatchNorm(2);
        bn.Gamma.Value.CopyFrom(Tensor.Vector(2f, 1f));
        bn.Beta.Value.CopyFrom(Tensor.Vector(0.5f, -1f));
        Tensor y = bn.Forward(Tensor.From(new float[,] { { 1, 7 }, { 2, 7 }, { 3, 7 }, { 4, 7 } }));
        float s = 1f / MathF.Sqrt(1.25f + 1e-5f);
        LayerAssert.Close(Tensor.From(new float[,]
        {
            { 2 * -1.5f * s + 0.5f, -1 }, { 2 * -0.5f * s + 0.5f, -1 }, { 2 * 0.5f * s + 0.5f, -1 }, { 2 * 1.5f * s + 0.5f, -1 },
        }), y, 1e-6, "y = γ x̂ + β");
        // Running statistics after one batch with momentum 0.1: μ_run = 0.9·0 + 0.1·2.5, σ²_run = 0.9·1 + 0.1·(1.25·4/3).
        Assert.Equal(0.25f, bn.RunningMean[0], precision: 6);
        Assert.Equal(0.9f + 0.1f * 1.25f * 4 / 3, bn.RunningVariance[0], precision: 6);
        Assert.Equal(0.9f, bn.RunningVariance[1], precision: 6);
    }

    [Fact]
    public void Feature_map_statistics_are_taken_per_channel_over_batch_and_positions()
    {
        var random = new Random(3);
        Tensor x = Tensor.RandomNormal(random, 3f, 4, 3, 5, 5);
        for (int i = 0; i < x.Length; i++) x.Data[i] += (i / 25 % 3) * 10; // channel c has mean about 10c
        Tensor y = new BatchNorm(3).Forward(x);
        for (int c = 0; c < 3; c++)
        {
            var values = new List<double>();
            for (int n = 0; n < 4; n++) for (int h = 0; h < 5; h++) for (int w = 0; w < 5; w++) values.Add(y[n, c, h, w]);
            double mean = values.Average(), variance = values.Average(v => (v - mean) * (v - mean));
            Assert.True(Math.Abs(mean) < 1e-5, $"channel {c}: mean {mean}");
            Assert.True(Math.Abs(variance - 1) < 1e-3, $"channel {c}: variance {variance}");
        }
    }

    [Fact]
    public void Backward_matches_numerical_gradient_for_dense_features_in_training_mode()
    {
        var bn = new BatchNorm(3);
        bn.Gamma.Value.CopyFrom(Tensor.Vector(1.5f, -0.7f, 0.3f));
        bn.Beta.Value.CopyFrom(Tensor.Vector(0.1f, 0.2f, -0.3f));
        LayerAssert.GradientsMatch(bn, Tensor.RandomNormal(new Random(1), 1f, 6, 3));
    }

    [Fact]
    public void Backward_matches_numerical_gradient_for_feature_maps_in_training_mode()
    {
        var bn = new BatchNorm(2);
        bn.Gamma.Value.CopyFrom(Tensor.Vector(1.2f, 0.8f));
        LayerAssert.GradientsMatch(bn, Tensor.RandomNormal(new Random(2), 2f, 3, 2, 4, 4));
    }

    [Fact]
    public void Backward_matches_numerical_gradient_in_evaluation_mode_with_running_statistics()
    {
        var bn = new BatchNorm(2);
        bn.Forward(Tensor.RandomNormal(new Random(4), 3f, 8, 2, 3, 3)); // some running statistics
        bn.Training = false;
        bn.Gamma.Value.CopyFrom(Tensor.Vector(1.2f, -0.8f));
        LayerAssert.GradientsMatch(bn, Tensor.RandomNormal(new Random(5), 1f, 2, 2, 3, 3));
    }

    [Fact]
    public void Backward_matches_numerical_gradient_with_the_naive_kernels()
    {
        LayerAssert.GradientsMatch(new BatchNorm(2, implementation: Implementation.Naive), Tensor.RandomNormal(new Random(12), 1f, 3, 2, 4, 4));
    }

    [Fact]
    public void Evaluation_mode_normalises_with_the_running_statistics_not_the_batch()
    {
        var bn = new BatchNorm(1);
        bn.RunningMean[0] = 2f;
        bn.RunningVariance[0] = 4f;
        bn.Training = false;
        Tensor y = bn.Forward(Tensor.From(new float[,] { { 2 }, { 6 } }));
        Assert.Equal(0f, y[0, 0], precision: 5);
        Assert.Equal(4f / MathF.Sqrt(4f + 1e-5f), y[1, 0], precision: 5);
        Assert.Equal(2f, bn.RunningMean[0]); // evaluation does not update the statistics
    }

    [Fact]
    public void Running_statistics_converge_to_the_data_mean_and_variance()
    {
        var random = new Random(6);
        var bn = new BatchNorm(1);
        for (int step = 0; step < 200; step++)
        {
            Tensor x = Tensor.RandomNormal(random, 2f, 64, 1); // σ = 2
            for (int i = 0; i < x.Length; i++) x.Data[i] += 5f;
            bn.Forward(x);
        }
        Assert.InRange(bn.RunningMean[0], 4.7f, 5.3f);
        Assert.InRange(bn.RunningVariance[0], 3.4f, 4.6f);
    }

    [Fact]
    public void Parameter_gradients_accumulate_across_backward_calls()
    {
        var bn = new BatchNorm(2);
        Tensor x = Tensor.RandomNormal(new Random(7), 1f, 5, 2), delta = Tensor.RandomNormal(new Random(8), 1f, 5, 2);
        bn.Forward(x);
        Tensor dx1 = bn.Backward(delta).Clone();
        Tensor dGamma = bn.Gamma.Gradient.Clone();
        bn.Forward(x);
        Tensor dx2 = bn.Backward(delta);
        LayerAssert.Close(dx1, dx2, 1e-6, "∂J/∂x does not depend on the accumulated gradients");
        LayerAssert.Close(2f * dGamma, bn.Gamma.Gradient, 1e-6, "∂J/∂γ accumulates");
    }

    [Fact]
    public void Rejects_the_wrong_number_of_channels_with_the_fix()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new BatchNorm(4).Forward(new Tensor(2, 6, 3, 3)));
        Assert.Contains("BatchNorm(4)", e.Message);
        Assert.Contains("N×4×H×W", e.Message);
        Assert.Contains("BatchNorm(6)", e.Message);
    }

    [Fact]
    public void Rejects_a_single_sample_in_training_mode_and_says_to_switch_to_evaluation()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm(3).Forward(new Tensor(1, 3)));
        Assert.Contains("at least 2 values per channel", e.Message);
        Assert.Contains("Training = false", e.Message);
        var bn = new BatchNorm(3) { Training = false };
        Assert.Equal(new[] { 1, 3 }, bn.Forward(new Tensor(1, 3)).Shape);
    }

    [Fact]
    public void Backward_before_forward_says_what_to_do()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new BatchNorm(2).Backward(new Tensor(2, 2)));
        Assert.Contains("run Forward", e.Message);
    }
}
