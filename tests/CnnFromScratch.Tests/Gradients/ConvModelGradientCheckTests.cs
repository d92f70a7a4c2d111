using CnnFromScratch.Gradients;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Tests.Training;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Gradients;

public sealed class ConvModelGradientCheckTests
{
    [Theory]
    [InlineData(Implementation.Naive)]
    [InlineData(Implementation.Fast)]
    public void Whole_convolutional_network_matches_numerical_gradient(Implementation implementation)
    {
        var random = new Random(8);
        // 2×7×7 → Conv2d(3×3, stride 2, padding 1) → 3×4×4 → ReLU → Flatten 48 → Dense 4 → softmax cross-entropy.
        var model = new Sequential([2, 7, 7],
            new Conv2d(2, 3, 3, random, stride: 2, padding: 1, implementation: implementation),
            new ReLU(),
            new Flatten(),
            new Dense(48, 4, random));
        Tensor x = Tensor.RandomNormal(random, 1f, 3, 2, 7, 7);
        // Threshold 1e-3 (float32 layers, ε = 1e-3); a correct backward lands near 1e-5…1e-4, a wrong index near 1e-1.
        GradientCheckReport report = GradientChecker.CheckModel(model, new SoftmaxCrossEntropy(), x, TinyData.OneHot([0, 3, 1], 4));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(5, report.Results.Count);
        Assert.Contains("layer 0 Conv2d(2→3, 3×3, stride 2, padding 1) weights", report.Results.Select(r => r.Target));
    }
}
