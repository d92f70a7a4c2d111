using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Training;

/// <summary>The trainer, Predict and Evaluate never return a number that hides a broken run or broken data.</summary>
public sealed class RefusesToLieTests
{
    private static Sequential Cnn(int seed)
    {
        var random = new Random(seed);
        return new Sequential([1, 12, 12], new Conv2d(1, 2, 5, random), new ReLU(), new MaxPool2d(2), new Flatten(),
            new Dense(32, 16, random), new ReLU(), new Dense(16, 10, random));
    }

    private static (Tensor X, Tensor Y) Images(int n, int seed)
    {
        var random = new Random(seed);
        Tensor x = Tensor.RandomUniform(random, 0f, 1f, n, 1, 12, 12), y = new(n, 10);
        for (int i = 0; i < n; i++) y[i, random.Next(10)] = 1f;
        return (x, y);
    }

    public static TheoryData<float> AbsurdLearningRates => new() { 100f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f };

    [Theory]
    [MemberData(nameof(AbsurdLearningRates))]
    public void Sgd_with_an_absurd_learning_rate_is_reported_as_diverged(float eta)
    {
        var (x, y) = Images(256, 1);
        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Fit(Cnn(2), new SoftmaxCrossEntropy(), new Sgd(eta), x, y, new TrainingOptions { Epochs = 5, BatchSize = 32 }));
        Assert.Equal(eta, e.LearningRate);
        Assert.True(!double.IsFinite(e.Loss) || e.Loss > Trainer.DivergenceFactor * e.StartingLoss!.Value + 1, e.Message);
    }

    [Fact]
    public void Adam_with_a_learning_rate_of_a_million_is_reported_as_diverged()
    {
        var (x, y) = Images(256, 3);
        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Fit(Cnn(4), new SoftmaxCrossEntropy(), new Adam(1e6f), x, y, new TrainingOptions { Epochs = 5, BatchSize = 32 }));
        Assert.Contains("learning rate 1E+06 is too large", e.Message);
    }

    [Fact]
    public void A_loss_that_grows_far_above_its_start_names_both_values()
    {
        var (x, y) = Images(256, 5);
        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Fit(Cnn(6), new SoftmaxCrossEntropy(), new Sgd(1e3f), x, y, new TrainingOptions { Epochs = 5, BatchSize = 32 }));
        if (e.StartingLoss is double j0) Assert.Contains($"its starting value {j0:G4}", e.Message);
        else Assert.False(double.IsFinite(e.Loss));
    }

    [Fact]
    public void A_sane_learning_rate_trains_without_a_divergence_report()
    {
        var (x, y) = Images(256, 7);
        TrainingHistory h = Trainer.Fit(Cnn(8), new SoftmaxCrossEntropy(), new Momentum(0.05f, 0.9f), x, y, new TrainingOptions { Epochs = 3, BatchSize = 32 });
        Assert.Equal(3, h.Count);
    }

    [Fact]
    public void Non_finite_training_inputs_are_rejected_before_training_naming_the_first_bad_image()
    {
        var (x, y) = Images(64, 9);
        x[37, 0, 3, 4] = float.NaN;
        x[50, 0, 0, 0] = float.PositiveInfinity;
        var model = Cnn(10);
        float before = model.Parameters[0].Value[0, 0, 0, 0];
        var e = Assert.Throws<ArgumentException>(() =>
            Trainer.Fit(model, new SoftmaxCrossEntropy(), new Sgd(0.01f), x, y, new TrainingOptions { Epochs = 1, BatchSize = 8 }));
        Assert.Contains("sample 37", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.Equal(before, model.Parameters[0].Value[0, 0, 0, 0]); // nothing was trained
    }

    [Fact]
    public void Non_finite_validation_inputs_are_rejected_before_training()
    {
        var (x, y) = Images(64, 11);
        var (vx, vy) = Images(16, 12);
        vx[5, 0, 1, 1] = float.NegativeInfinity;
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(Cnn(13), new SoftmaxCrossEntropy(), new Sgd(0.01f), x, y,
            new TrainingOptions { Epochs = 1, BatchSize = 8, ValidationInputs = vx, ValidationTargets = vy }));
        Assert.Contains("validation inputs", e.Message);
        Assert.Contains("sample 5", e.Message);
    }

    [Fact]
    public void Predict_and_Evaluate_on_NaN_inputs_name_the_sample_instead_of_answering_class_0()
    {
        var (x, y) = Images(20, 14);
        x[12, 0, 6, 6] = float.NaN;
        var model = Cnn(15);
        Assert.Contains("sample 12", Assert.Throws<ArgumentException>(() => model.Predict(x)).Message);
        Assert.Contains("sample 12", Assert.Throws<ArgumentException>(() => model.Evaluate(new SoftmaxCrossEntropy(), x, y)).Message);
        // Checked batch by batch: the message still counts samples from the start of the set, not of the batch.
        Assert.Contains("sample 12", Assert.Throws<ArgumentException>(() => model.Predict(x, batchSize: 5)).Message);
        Assert.Contains("sample 12", Assert.Throws<ArgumentException>(() => model.Evaluate(new SoftmaxCrossEntropy(), x, y, batchSize: 5)).Message);
        Assert.True(model.Training); // and the model is back in training mode after the throw
    }

    [Fact]
    public void Predict_finds_a_NaN_in_the_last_chunk_of_a_batch_copied_on_several_cores()
    {
        // 200 samples of 12×12 in one batch: 28,800 floats, copied and checked in 8 chunks; the NaN is in the last one.
        var (x, _) = Images(200, 16);
        x[197, 0, 3, 9] = float.PositiveInfinity;
        var model = Cnn(17);
        Assert.Contains("sample 197", Assert.Throws<ArgumentException>(() => model.Predict(x, batchSize: 200)).Message);
        x[197, 0, 3, 9] = 0f;
        Assert.Equal(200, model.Predict(x, batchSize: 200).Length);
    }

    [Fact]
    public void Predict_and_Evaluate_on_an_empty_set_say_it_is_empty()
    {
        var model = Cnn(16);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => model.Predict(new Tensor(0, 1, 12, 12))).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() =>
            model.Evaluate(new SoftmaxCrossEntropy(), new Tensor(0, 1, 12, 12), new Tensor(0, 10))).Message);
    }

    [Theory]
    [InlineData(Implementation.Naive, 2, 2)]
    [InlineData(Implementation.Fast, 2, 2)]
    [InlineData(Implementation.Naive, 3, 1)]
    [InlineData(Implementation.Fast, 3, 1)]
    public void Max_pooling_propagates_a_NaN_wherever_it_is_in_the_window(Implementation implementation, int window, int stride)
    {
        // A 1×1×4×36 input (wide enough for the fast kernel's vector path), NaN at every position of the first windows in turn.
        for (int position = 0; position < window * window; position++)
        {
            var x = Tensor.RandomNormal(new Random(position), 1f, 1, 1, 4, 36);
            for (int i = 0; i < x.Length; i++) x.Data[i] = Math.Abs(x.Data[i]) + 1f; // all larger than nothing special
            int row = position / window, column = position % window;
            x[0, 0, row, column] = float.NaN;
            x[0, 0, row, 20 + column] = float.NaN; // inside the vector path's range too
            Tensor z = new MaxPool2d(window, stride, implementation).Forward(x);
            Assert.True(float.IsNaN(z[0, 0, 0, 0]), $"NaN at window position {position} was dropped");
            Assert.True(float.IsNaN(z[0, 0, 0, 20 / stride]), $"NaN at window position {position} (vector path) was dropped");
        }
    }
}
