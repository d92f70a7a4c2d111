using CnnFromScratch.Data;
using CnnFromScratch.Gradients;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Tests.Training;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Gradients;

public sealed class ModelGradientCheckTests
{
    [Fact]
    public void CheckModel_passes_for_a_dense_network_with_softmax_cross_entropy()
    {
        var random = new Random(4);
        var model = new Sequential([6], new Dense(6, 5, random), new Tanh(), new Dense(5, 4, random), new ReLU(), new Dense(4, 3, random));
        Tensor x = Tensor.RandomNormal(random, 1f, 3, 6);
        // Threshold 1e-3 (float32 layers, ε = 1e-3): a correct backward lands near 1e-5…1e-4.
        GradientCheckReport report = GradientChecker.CheckModel(model, new SoftmaxCrossEntropy(), x, OneHot.Encode([0, 2, 1], 3));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(
            ["input", "layer 0 Dense(6→5) weights", "layer 0 Dense(6→5) bias", "layer 2 Dense(5→4) weights",
             "layer 2 Dense(5→4) bias", "layer 4 Dense(4→3) weights", "layer 4 Dense(4→3) bias"],
            report.Results.Select(r => r.Target));
    }

    [Fact]
    public void CheckModel_passes_with_mean_squared_error()
    {
        var random = new Random(5);
        var model = new Sequential([4], new Dense(4, 6, random), new Sigmoid(), new Dense(6, 2, random));
        GradientCheckReport report = GradientChecker.CheckModel(model, new MeanSquaredError(),
            Tensor.RandomNormal(random, 1f, 5, 4), Tensor.RandomNormal(random, 1f, 5, 2));
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void CheckModel_catches_a_layer_with_a_wrong_backward_and_names_it()
    {
        var random = new Random(6);
        var model = new Sequential([4], new Dense(4, 4, random), new ForgetsToScale(), new Dense(4, 2, random));
        GradientCheckReport report = GradientChecker.CheckModel(model, new MeanSquaredError(),
            Tensor.RandomNormal(random, 1f, 3, 4), Tensor.RandomNormal(random, 1f, 3, 2));
        Assert.False(report.Passed);
        // The layers after the broken one are still right; the input and the layers before it are wrong.
        Assert.True(report["layer 2 Dense(4→2) weights"].Passed, report.ToString());
        Assert.False(report["layer 0 Dense(4→4) weights"].Passed);
        Assert.False(report["input"].Passed);
    }

    [Fact]
    public void CheckLoss_catches_a_loss_whose_gradient_forgets_to_divide_by_N()
    {
        var random = new Random(7);
        GradientCheckResult result = GradientChecker.CheckLoss(new UndividedMse(),
            Tensor.RandomNormal(random, 1f, 4, 3), Tensor.RandomNormal(random, 1f, 4, 3));
        Assert.False(result.Passed);
        Assert.Equal("prediction", result.Target);
    }

    /// <summary>y = 2x, but Backward returns dOut instead of 2·dOut: a typical hand-derivation slip.</summary>
    private sealed class ForgetsToScale : ILayer
    {
        public string Name => "ForgetsToScale";

        public IReadOnlyList<Parameter> Parameters => [];

        public int[] OutputShape(IReadOnlyList<int> inputShape) => inputShape.ToArray();

        public Tensor Forward(Tensor input) => input * 2f;

        public Tensor Backward(Tensor dOutput) => dOutput.Clone();
    }

    /// <summary>J = (1/N) Σ ½‖a − y‖² but a gradient of (a − y), missing the 1/N.</summary>
    private sealed class UndividedMse : ILoss
    {
        private Tensor? _gradient;

        public string Name => "undivided MSE";

        public double Forward(Tensor prediction, Tensor target)
        {
            _gradient = prediction - target;
            return 0.5 * _gradient.Data.Sum(d => (double)d * d) / prediction.Dim(0);
        }

        public Tensor Backward() => _gradient!;
    }
}
