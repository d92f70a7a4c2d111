using CnnFromScratch.Data;
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
    public void Whole_network_with_strided_padded_conv_relu_maxpool_and_dense_matches_numerical_gradient(Implementation implementation)
    {
        var random = new Random(8);
        // 2×7×7 → Conv2d(3×3, stride 2, padding 1) → 3×4×4 → ReLU → MaxPool2d(2) → 3×2×2 → Flatten 12 → Dense 4 → softmax cross-entropy.
        var model = new Sequential([2, 7, 7],
            new Conv2d(2, 3, 3, random, stride: 2, padding: 1, implementation: implementation),
            new ReLU(),
            new MaxPool2d(2, implementation: implementation),
            new Flatten(),
            new Dense(12, 4, random));
        Tensor x = Tensor.RandomNormal(random, 1f, 3, 2, 7, 7);
        // Threshold 1e-3 (float32 layers, ε = 1e-3); a correct backward lands near 1e-5…1e-4, a wrong index near 1e-1.
        GradientCheckReport report = GradientChecker.CheckModel(model, new SoftmaxCrossEntropy(), x, OneHot.Encode([0, 3, 1], 4));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(5, report.Results.Count);
        Assert.Contains("layer 4 Dense(12→4) bias", report.Results.Select(r => r.Target));
        Assert.Contains("layer 0 Conv2d(2→3, 3×3, stride 2, padding 1) weights", report.Results.Select(r => r.Target));
    }

    [Fact]
    public void Network_with_average_pooling_and_a_second_convolution_matches_numerical_gradient()
    {
        var random = new Random(9);
        // 1×10×10 → Conv2d(1→2, 3×3, padding 1) → Tanh → AvgPool2d(2) → 2×5×5 → Conv2d(2→2, 2×2, stride 1) → ReLU → 2×4×4 → Flatten 32 → Dense 3.
        var model = new Sequential([1, 10, 10],
            new Conv2d(1, 2, 3, random, padding: 1),
            new Tanh(),
            new AvgPool2d(2),
            new Conv2d(2, 2, 2, random),
            new ReLU(),
            new Flatten(),
            new Dense(32, 3, random));
        GradientCheckReport report = GradientChecker.CheckModel(model, new SoftmaxCrossEntropy(),
            Tensor.RandomNormal(random, 1f, 2, 1, 10, 10), OneHot.Encode([2, 0], 3));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(7, report.Results.Count);
    }
}
