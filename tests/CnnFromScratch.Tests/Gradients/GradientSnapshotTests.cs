using CnnFromScratch.Data;
using CnnFromScratch.Gradients;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Gradients;

public sealed class GradientSnapshotTests
{
    // Tanh instead of ReLU: no kink, so the numerical gradient of the input is meaningful everywhere.
    private static Sequential Model() =>
        new([2, 3, 3], new Conv2d(2, 2, 2, new Random(1)), new Tanh(), new Flatten(), new Dense(8, 3, new Random(2)));

    private static (Tensor X, Tensor Y) Batch() =>
        (Tensor.RandomNormal(new Random(3), 1f, 4, 2, 3, 3), OneHot.Encode([0, 2, 1, 2], 3));

    [Fact]
    public void The_input_gradient_matches_a_numerical_gradient_of_the_loss()
    {
        Sequential model = Model();
        var (x, y) = Batch();
        var loss = new SoftmaxCrossEntropy();
        var snapshot = GradientSnapshot.Take(model, loss, x, y);
        Assert.Equal(x.Shape, snapshot.InputGradient.Shape);
        var check = GradientChecker.Compare("∂J/∂x", () => loss.Forward(model.Forward(x), y), x, snapshot.InputGradient);
        Assert.True(check.Passed, check.ToString());
        Assert.Equal(loss.Forward(model.Forward(x), y), snapshot.Loss, 6);
    }

    [Fact]
    public void The_output_delta_is_y_hat_minus_y_over_N_and_each_layer_receives_the_delta_of_its_output()
    {
        Sequential model = Model();
        var (x, y) = Batch();
        var loss = new SoftmaxCrossEntropy();
        var snapshot = GradientSnapshot.Take(model, loss, x, y);
        loss.Forward(model.Forward(x), y);
        Tensor expected = (loss.Probabilities - y) * (1f / 4);
        Assert.True(snapshot.OutputGradient.MaxAbsDifference(expected) < 1e-6);
        Assert.Same(snapshot.OutputGradient, snapshot.LayerOutputGradient(3));
        // δ at the flatten's output, reshaped, is what the tanh receives; the dense layer sends back δ·W.
        Assert.Equal([4, 8], snapshot.LayerOutputGradient(2).Shape);
        Assert.Equal([4, 2, 2, 2], snapshot.LayerOutputGradient(1).Shape);
        Assert.Equal(snapshot.LayerOutputGradient(2).Data, snapshot.LayerOutputGradient(1).Data);
    }

    [Fact]
    public void Parameter_gradients_are_copies_that_later_training_does_not_change()
    {
        Sequential model = Model();
        var (x, y) = Batch();
        var before = GradientSnapshot.Take(model, new SoftmaxCrossEntropy(), x, y);
        Tensor dW = before.ParameterGradient(0);
        Assert.Equal(((Conv2d)model.Layers[0]).Weights.Gradient.Data, dW.Data);   // the model holds this batch's gradient
        float[] kept = (float[])dW.Data.Clone();

        foreach (var p in model.Parameters) p.Value.Fill(0.3f);   // a "training step" and a second snapshot
        var after = GradientSnapshot.Take(model, new SoftmaxCrossEntropy(), x, y);
        Assert.Equal(kept, before.ParameterGradient(0).Data);
        Assert.NotEqual(kept, after.ParameterGradient(0).Data);
        Assert.Equal([0, 3], after.TrainableLayers);
        Assert.Equal([3], after.ParameterGradient(3, "bias").Shape);
    }

    [Fact]
    public void Asking_for_a_parameter_a_layer_does_not_have_says_which_ones_it_has()
    {
        var snapshot = GradientSnapshot.Take(Model(), new SoftmaxCrossEntropy(), Batch().X, Batch().Y);
        Assert.Contains("it has 'weights', 'bias'", Assert.Throws<ArgumentException>(() => snapshot.ParameterGradient(0, "kernel")).Message);
        Assert.Contains("layers 0, 3 have", Assert.Throws<ArgumentException>(() => snapshot.ParameterGradient(1)).Message);
        Assert.Contains("4 layers", Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.LayerOutputGradient(4)).Message);
        Assert.Throws<ShapeMismatchException>(() => GradientSnapshot.Take(Model(), new SoftmaxCrossEntropy(), new Tensor(4, 18), Batch().Y));
    }
}
