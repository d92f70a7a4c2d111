using CnnFromScratch.Data;
using CnnFromScratch.Gradients;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Training;

/// <summary>
/// Sequential runs a fast BatchNorm of feature maps and the ReLU after it as one (BatchNorm.FusedReLU.cs). It must give the
/// bits of the layers run one by one, forward and backward, in training and evaluation, and a correct gradient.
/// </summary>
public sealed class FusedBatchNormReLUTests
{
    // conv: Conv 1→3 3×3 on 11×13 gives planes of 9·11 = 99 values (whole vectors and a tail); 120 samples are 35,640 values
    // per BatchNorm(3), enough to split across the cores. first: BatchNorm and ReLU are the first trainable layers, so
    // Backward without ∂J/∂input stops in the fused pair. dense: BatchNorm of dense features is not fused (the same bits anyway).
    public static TheoryData<string, int> Models => new() { { "conv", 120 }, { "conv", 5 }, { "first", 40 }, { "dense", 16 } };

    private static Sequential Create(string kind, int seed)
    {
        var random = new Random(seed);
        return kind switch
        {
            "conv" => new Sequential([1, 11, 13], new Conv2d(1, 3, 3, random), new BatchNorm(3), new ReLU(), new MaxPool2d(2),
                new Conv2d(3, 4, 3, random, padding: 1), new BatchNorm(4), new ReLU(), new Flatten(), new Dense(4 * 4 * 5, 5, random)),
            "first" => new Sequential([2, 9, 9], new BatchNorm(2), new ReLU(), new Flatten(), new Dense(162, 3, random)),
            _ => new Sequential([12], new Dense(12, 10, random), new BatchNorm(10), new ReLU(), new Dense(10, 3, random)),
        };
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Sequential_gives_the_bits_of_the_layers_run_one_by_one(string kind, int batch)
    {
        foreach (bool training in new[] { true, false })
        {
            Sequential fused = Create(kind, 3), apart = Create(kind, 3);
            var random = new Random(4);
            Tensor x = Tensor.RandomNormal(random, 1f, [batch, .. fused.InputShape]);
            Tensor delta = Tensor.RandomNormal(random, 1f, [batch, .. fused.OutputShape]);
            SetUp(fused, training, x);
            SetUp(apart, training, x);

            float[] expectedOutput = (float[])RunApart(apart, x, delta, out Tensor expectedDx).Data.Clone();
            Assert.Equal(expectedOutput, fused.Forward(x).Data);
            Tensor dx = fused.Backward(delta);
            Assert.Equal(expectedDx.Data, dx.Data);
            for (int p = 0; p < fused.Parameters.Count; p++)
                Assert.True(apart.Parameters[p].Gradient.Data.SequenceEqual(fused.Parameters[p].Gradient.Data), $"{kind}, training {training}: gradient of parameter {p} ({fused.Parameters[p].Name})");

            // without ∂J/∂input, as training runs it: the same parameter gradients once more
            float[][] once = fused.Parameters.Select(p => (float[])p.Gradient.Data.Clone()).ToArray();
            fused.ZeroGradients();
            fused.Forward(x);
            Assert.Null(fused.Backward(delta, inputGradient: false));
            for (int p = 0; p < fused.Parameters.Count; p++) Assert.Equal(once[p], fused.Parameters[p].Gradient.Data);
        }
    }

    [Fact]
    public void After_a_fused_forward_the_layers_still_run_backward_one_by_one()
    {
        Sequential fused = Create("conv", 5), apart = Create("conv", 5);
        var random = new Random(6);
        Tensor x = Tensor.RandomNormal(random, 1f, [8, .. fused.InputShape]), delta = Tensor.RandomNormal(random, 1f, [8, .. fused.OutputShape]);
        SetUp(fused, true, x);
        SetUp(apart, true, x);
        RunApart(apart, x, delta, out Tensor expectedDx);
        fused.Forward(x);
        Tensor d = delta;
        for (int k = fused.Layers.Count - 1; k >= 0; k--) d = fused.Layers[k].Backward(d);   // the ReLU holds a as its own
        Assert.Equal(expectedDx.Data, d.Data);
    }

    // Conv 1→2 3×3 on 6×7: planes of 4·5 = 20 values, fused with the ReLU. A bias before batch norm has no effect on the loss
    // (the batch mean takes it away), so its gradient is exactly 0 and the central differences only rounding noise.
    [Fact]
    public void The_gradient_through_the_fused_layers_matches_central_differences()
    {
        var random = new Random(7);
        var model = new Sequential([1, 6, 7], new Conv2d(1, 2, 3, random), new BatchNorm(2), new ReLU(), new Flatten(), new Dense(40, 3, random));
        Tensor x = Tensor.RandomNormal(random, 1f, [5, .. model.InputShape]);
        GradientCheckReport report = GradientChecker.CheckModel(model, new SoftmaxCrossEntropy(), x, OneHot.Encode([0, 2, 1, 1, 0], 3));
        foreach (GradientCheckResult r in report.Results)
        {
            if (r.Target.EndsWith("Conv2d(1→2, 3×3, stride 1, padding 0) bias", StringComparison.Ordinal))
            {
                Assert.Equal(0, r.AnalyticAtWorst, 6);
                Assert.Equal(0, r.NumericalAtWorst, 4);
            }
            else Assert.True(r.Passed, report.ToString());
        }
    }

    // The same weights and the same running statistics (one training forward) in both models, then the mode.
    private static void SetUp(Sequential model, bool training, Tensor x)
    {
        model.Forward(x);
        model.Training = training;
        model.ZeroGradients();
    }

    // Forward and backward layer by layer, each layer's own Forward and Backward: nothing fused.
    private static Tensor RunApart(Sequential model, Tensor x, Tensor delta, out Tensor dx)
    {
        Tensor a = x;
        foreach (ILayer layer in model.Layers) a = layer.Forward(a);
        Tensor d = delta;
        for (int k = model.Layers.Count - 1; k >= 0; k--) d = model.Layers[k].Backward(d);
        dx = d;
        return a;
    }
}
