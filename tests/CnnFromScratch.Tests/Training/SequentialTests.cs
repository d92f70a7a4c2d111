using CnnFromScratch.Data;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Training;

public sealed class SequentialTests
{
    private static Sequential Mlp(int seed = 0)
    {
        var random = new Random(seed);
        return new Sequential([1, 4, 4], new Flatten(), new Dense(16, 8, random), new ReLU(), new Dense(8, 3, random));
    }

    [Fact]
    public void Construction_computes_every_output_shape()
    {
        Sequential model = Mlp();
        Assert.Equal([1, 4, 4], model.InputShape);
        Assert.Equal([16], model.OutputShapeOf(0));
        Assert.Equal([8], model.OutputShapeOf(2));
        Assert.Equal([3], model.OutputShape);
    }

    [Fact]
    public void A_layer_that_does_not_fit_is_named_at_construction_with_the_shape_it_received()
    {
        var random = new Random(0);
        var e = Assert.Throws<ArgumentException>(() =>
            new Sequential([1, 28, 28], new Flatten(), new Dense(784, 60, random), new ReLU(), new Dense(50, 10, random)));
        Assert.Contains("Layer 3 (Dense(50→10))", e.Message);
        Assert.Contains("shape 60", e.Message);
        Assert.Contains("layer 2 (ReLU)", e.Message);
        Assert.IsType<ShapeMismatchException>(e.InnerException);
    }

    [Fact]
    public void Forgetting_Flatten_is_reported_at_construction()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential([1, 28, 28], new Dense(784, 10, new Random(0))));
        Assert.Contains("Layer 0 (Dense(784→10))", e.Message);
        Assert.Contains("1×28×28", e.Message);
        Assert.Contains("the model input", e.Message);
    }

    [Fact]
    public void Forward_rejects_a_batch_of_the_wrong_sample_shape()
    {
        Sequential model = Mlp();
        var e = Assert.Throws<ShapeMismatchException>(() => model.Forward(new Tensor(2, 16)));
        Assert.Contains("N×1×4×4", e.Message);
        Assert.Contains("2×16", e.Message);
        Assert.Contains("Reshape", e.Message);

        var single = Assert.Throws<ShapeMismatchException>(() => model.Forward(new Tensor(1, 4, 4)));
        Assert.Contains("without the batch dimension", single.Message);
    }

    [Fact]
    public void Parameters_lists_every_layer_in_order()
    {
        Sequential model = Mlp();
        var dense1 = (Dense)model.Layers[1];
        var dense2 = (Dense)model.Layers[3];
        Assert.Equal([dense1.Weights, dense1.Bias, dense2.Weights, dense2.Bias], model.Parameters);
        Assert.Equal(16 * 8 + 8 + 8 * 3 + 3, model.ParameterCount);
    }

    [Fact]
    public void Summary_lists_layers_shapes_and_parameter_counts()
    {
        string summary = Mlp().Summary();
        string[] lines = summary.Split('\n');
        Assert.Equal(7, lines.Length); // header, input, 4 layers, total
        Assert.Matches(@"^#\s+layer\s+output shape\s+parameters$", lines[0]);
        Assert.Matches(@"^\s+input\s+1×4×4\s*$", lines[1]);
        Assert.Matches(@"^0\s+Flatten\s+16\s+0$", lines[2]);
        Assert.Matches(@"^1\s+Dense\(16→8\)\s+8\s+136$", lines[3]);
        Assert.Matches(@"^3\s+Dense\(8→3\)\s+3\s+27$", lines[5]);
        Assert.Contains("Total: 163 trainable parameters in 4 layers", lines[6]);
    }

    [Fact]
    public void Predict_returns_the_argmax_of_each_row_across_batches()
    {
        var dense = new Dense(3, 3, new Random(0));
        dense.Weights.Value.Fill(0);
        for (int i = 0; i < 3; i++) dense.Weights.Value[i, i] = 1; // identity: output = input
        var model = new Sequential([3], dense);
        var x = Tensor.From(new float[,] { { 1, 5, 2 }, { 9, 0, 0 }, { 0, 0, 1 }, { -1, -2, -0.5f }, { 0, 3, 2 } });
        Assert.Equal([1, 0, 2, 2, 1], model.Predict(x, batchSize: 2));
    }

    [Fact]
    public void Evaluate_matches_one_whole_batch_and_leaves_gradients_alone()
    {
        Sequential model = Mlp(1);
        var random = new Random(2);
        Tensor x = Tensor.RandomNormal(random, 1f, 7, 1, 4, 4);
        Tensor y = OneHot.Encode([0, 1, 2, 0, 1, 2, 2], 3);
        var loss = new SoftmaxCrossEntropy();
        double whole = loss.Forward(model.Forward(x), y);
        int[] predicted = model.Predict(x);
        double accuracy = predicted.Where((p, i) => p == Array.IndexOf(y.Data, 1f, i * 3, 3) - i * 3).Count() / 7.0;

        var (batchedLoss, batchedAccuracy) = model.Evaluate(loss, x, y, batchSize: 3);

        Assert.Equal(whole, batchedLoss, precision: 5);
        Assert.Equal(accuracy, batchedAccuracy);
        Assert.All(model.Parameters, p => Assert.All(p.Gradient.Data, g => Assert.Equal(0f, g)));
    }

    [Fact]
    public void Evaluate_rejects_targets_of_the_wrong_width()
    {
        var e = Assert.Throws<ShapeMismatchException>(() =>
            Mlp().Evaluate(new SoftmaxCrossEntropy(), new Tensor(2, 1, 4, 4), new Tensor(2, 10)));
        Assert.Contains("N×3", e.Message);
        Assert.Contains("number of classes", e.Message);
    }

    [Fact]
    public void ZeroGradients_clears_every_parameter()
    {
        Sequential model = Mlp();
        var loss = new SoftmaxCrossEntropy();
        loss.Forward(model.Forward(Tensor.RandomNormal(new Random(3), 1f, 2, 1, 4, 4)), OneHot.Encode([0, 2], 3));
        model.Backward(loss.Backward());
        Assert.Contains(model.Parameters, p => p.Gradient.Data.Any(g => g != 0));
        model.ZeroGradients();
        Assert.All(model.Parameters, p => Assert.All(p.Gradient.Data, g => Assert.Equal(0f, g)));
    }
}
