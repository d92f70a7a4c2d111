using CnnFromScratch.Data;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;
using Xunit.Abstractions;

namespace CnnFromScratch.Tests.Training;

/// <summary>
/// The network the course is built around (from the source series): 1×28×28 → Conv2d 2@5×5 → ReLU → MaxPool 2×2 →
/// Flatten 288 → Dense 60 → ReLU → Dense 10 → softmax cross-entropy.
/// </summary>
/// <remarks>
/// It learns two labelled sets: SYNTHETIC stroke images (<see cref="SyntheticStrokes"/>: ten patterns with random shifts, sizes,
/// widths, brightness and noise), and real MNIST digits from the bundled sample.
/// </remarks>
public sealed class SeedNetworkTests(ITestOutputHelper output)
{
    private static Sequential SeedNetwork(Random random) => new([1, 28, 28],
        new Conv2d(1, 2, 5, random),
        new ReLU(),
        new MaxPool2d(2, stride: 2),
        new Flatten(),
        new Dense(288, 60, random),
        new ReLU(),
        new Dense(60, 10, random));

    [Fact]
    public void Seed_network_has_the_shapes_and_parameter_counts_of_the_course()
    {
        Sequential model = SeedNetwork(new Random(0));
        Assert.Equal([2, 24, 24], model.OutputShapeOf(0));
        Assert.Equal([2, 12, 12], model.OutputShapeOf(2));
        Assert.Equal([288], model.OutputShapeOf(3));
        Assert.Equal([10], model.OutputShape);
        // conv 2·1·5·5 + 2, dense 288·60 + 60, dense 60·10 + 10
        Assert.Equal(52 + 17_340 + 610, model.ParameterCount);
    }

    [Fact]
    public void Seed_network_learns_synthetic_stroke_images_well_above_chance()
    {
        var (trainX, trainY, _) = SyntheticStrokes.Generate(perClass: 60, seed: 1);   // 600 synthetic training images
        var (testX, testY, _) = SyntheticStrokes.Generate(perClass: 20, seed: 2);     // 200 held-out synthetic images
        Sequential model = SeedNetwork(new Random(42));
        var loss = new SoftmaxCrossEntropy();
        var (initialLoss, initialAccuracy) = model.Evaluate(loss, trainX, trainY);

        TrainingHistory history = Trainer.Fit(model, loss, new Adam(0.005f), trainX, trainY, new TrainingOptions
        {
            Epochs = 10,
            BatchSize = 32,
            Seed = 3,
            ValidationInputs = testX,
            ValidationTargets = testY,
        });

        var (finalLoss, _) = model.Evaluate(loss, trainX, trainY);
        var (_, heldOutAccuracy) = model.Evaluate(loss, testX, testY);
        string log = $"initial loss {initialLoss:0.000}, accuracy {initialAccuracy:P0}{Environment.NewLine}{history}";
        output.WriteLine(log);
        Assert.True(finalLoss < initialLoss / 2, log);
        Assert.True(heldOutAccuracy > 0.8, log);   // chance is 10 %
        Assert.Equal(heldOutAccuracy, history[^1].ValidationAccuracy);
    }

    [Fact]
    public void Seed_network_learns_real_mnist_digits_from_the_bundled_sample()
    {
        var (train, test) = MnistSample.Load();
        LabeledImages small = train.Take(2000), heldOut = test.Take(1000);
        Sequential model = SeedNetwork(new Random(7));
        var loss = new SoftmaxCrossEntropy();
        var (initialLoss, _) = model.Evaluate(loss, small.Images, small.OneHotLabels());

        TrainingHistory history = Trainer.Fit(model, loss, new Momentum(0.05f), small.Images, small.OneHotLabels(), new TrainingOptions
        {
            Epochs = 4,
            BatchSize = 32,
            Seed = 3,
            ValidationInputs = heldOut.Images,
            ValidationTargets = heldOut.OneHotLabels(),
        });

        string log = $"initial loss {initialLoss:0.000}{Environment.NewLine}{history}";
        output.WriteLine(log);
        Assert.True(history[^1].Loss < initialLoss / 4, log);
        Assert.True(history[^1].ValidationAccuracy > 0.85, log);   // 2,000 training digits; chance is 10 %
    }
}
