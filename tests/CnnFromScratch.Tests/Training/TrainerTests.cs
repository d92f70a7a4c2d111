using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Training;

public sealed class TrainerTests
{
    private static Sequential Mlp(int seed)
    {
        var random = new Random(seed);
        return new Sequential([4], new Dense(4, 16, random), new ReLU(), new Dense(16, 3, random));
    }

    [Fact]
    public void Loss_falls_and_accuracy_rises_on_separable_blobs()
    {
        var (x, y, _) = TinyData.Blobs(150, 4, 3, seed: 1);
        var (vx, vy, _) = TinyData.Blobs(60, 4, 3, seed: 1, sampleSeed: 1); // held out: same blobs, other points
        TrainingHistory history = Trainer.Fit(Mlp(0), new SoftmaxCrossEntropy(), new Sgd(0.1f), x, y,
            new TrainingOptions { Epochs = 15, BatchSize = 16, ValidationInputs = vx, ValidationTargets = vy });
        Assert.True(history[^1].Loss < history[0].Loss / 4, history.ToString());
        Assert.True(history[^1].Accuracy > 0.95, history.ToString());
        Assert.True(history[^1].ValidationAccuracy > 0.9, history.ToString());
    }

    [Fact]
    public void History_has_one_result_per_epoch_and_callbacks_fire_per_batch_and_epoch()
    {
        var (x, y, _) = TinyData.Blobs(50, 4, 3, seed: 2);
        var batches = new List<BatchProgress>();
        var epochs = new List<EpochResult>();
        TrainingHistory history = Trainer.Fit(Mlp(0), new SoftmaxCrossEntropy(), new Adam(0.01f), x, y,
            new TrainingOptions { Epochs = 3, BatchSize = 16, OnBatch = batches.Add, OnEpoch = epochs.Add });

        Assert.Equal(3, history.Count);
        Assert.Equal([1, 2, 3], history.EpochNumbers);
        Assert.Equal(history, epochs);
        Assert.Equal(12, batches.Count); // ⌈50/16⌉ = 4 batches × 3 epochs
        Assert.Equal(Enumerable.Range(1, 12), batches.Select(b => b.Step));
        Assert.Equal([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4], batches.Select(b => b.Batch));
        Assert.All(batches, b => Assert.Equal(4, b.BatchesPerEpoch));
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], batches.Select(b => b.Epoch));
        // The epoch loss is the batch losses weighted by batch size (16, 16, 16, 2); the last running accuracy is the epoch's.
        for (int e = 0; e < 3; e++)
        {
            var epoch = batches.Skip(4 * e).Take(4).ToArray();
            double weighted = (16 * (epoch[0].Loss + epoch[1].Loss + epoch[2].Loss) + 2 * epoch[3].Loss) / 50;
            Assert.Equal(weighted, history[e].Loss, precision: 10);
            Assert.Equal(epoch[3].RunningAccuracy, history[e].Accuracy);
        }
        Assert.All(history, r => Assert.Null(r.ValidationLoss));
        Assert.All(history, r => Assert.True(r.Seconds >= 0));
    }

    [Fact]
    public void Same_seed_gives_the_same_history_and_another_seed_a_different_one()
    {
        var (x, y, _) = TinyData.Blobs(64, 4, 3, seed: 3);
        TrainingHistory Run(int shuffleSeed) => Trainer.Fit(Mlp(7), new SoftmaxCrossEntropy(), new Momentum(0.05f), x, y,
            new TrainingOptions { Epochs = 4, BatchSize = 10, Seed = shuffleSeed });
        TrainingHistory a = Run(11), b = Run(11), c = Run(12);
        Assert.Equal(a.Losses, b.Losses);
        Assert.Equal(a.Accuracies, b.Accuracies);
        Assert.NotEqual(a.Losses, c.Losses);
    }

    [Fact]
    public void An_absurd_learning_rate_diverges_with_a_message_naming_epoch_batch_and_learning_rate()
    {
        var (x, y, _) = TinyData.Blobs(64, 4, 3, seed: 4);
        var model = new Sequential([4], new Dense(4, 16, new Random(0)), new Tanh(), new Dense(16, 3, new Random(1)));
        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Fit(model, new MeanSquaredError(), new Sgd(1e4f), x, y, new TrainingOptions { Epochs = 50, BatchSize = 8 }));
        Assert.Contains($"epoch {e.Epoch}, batch {e.Batch}", e.Message);
        Assert.InRange(e.Batch, 1, 8);
        Assert.True(!double.IsFinite(e.Loss) || e.Loss > Trainer.DivergenceFactor * e.StartingLoss!.Value + 1);
        Assert.Equal(1e4f, e.LearningRate);
        Assert.Contains("learning rate 1E+04 is too large", e.Message);
        Assert.Contains("try a smaller one", e.Message);
    }

    [Fact]
    public void Callbacks_can_schedule_the_learning_rate()
    {
        var (x, y, _) = TinyData.Blobs(40, 4, 3, seed: 5);
        var optimizer = new Sgd(0.1f);
        var seen = new List<float>();
        Trainer.Fit(Mlp(0), new SoftmaxCrossEntropy(), optimizer, x, y, new TrainingOptions
        {
            Epochs = 3,
            BatchSize = 40,
            OnBatch = _ => seen.Add(optimizer.LearningRate),
            OnEpoch = _ => optimizer.LearningRate /= 2, // step decay
        });
        Assert.Equal([0.1f, 0.05f, 0.025f], seen);
        Assert.Equal(0.0125f, optimizer.LearningRate);
    }

    [Fact]
    public void Validation_results_equal_an_evaluation_after_the_epoch()
    {
        var (x, y, _) = TinyData.Blobs(48, 4, 3, seed: 6);
        var (vx, vy, _) = TinyData.Blobs(30, 4, 3, seed: 6, sampleSeed: 1);
        Sequential model = Mlp(2);
        var loss = new SoftmaxCrossEntropy();
        TrainingHistory history = Trainer.Fit(model, loss, new Adam(0.01f), x, y,
            new TrainingOptions { Epochs = 2, BatchSize = 12, ValidationInputs = vx, ValidationTargets = vy });
        var (vl, va) = model.Evaluate(loss, vx, vy);
        Assert.Equal(vl, history[^1].ValidationLoss!.Value, precision: 6);
        Assert.Equal(va, history[^1].ValidationAccuracy);
        Assert.Equal(2, history.ValidationLosses.Length);
    }

    [Fact]
    public void Bad_options_and_data_are_rejected_with_clear_messages()
    {
        var (x, y, _) = TinyData.Blobs(20, 4, 3, seed: 7);
        Sequential model = Mlp(0);
        var loss = new SoftmaxCrossEntropy();
        var sgd = new Sgd(0.1f);
        Assert.Contains("Epochs must be at least 1",
            Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(model, loss, sgd, x, y, new TrainingOptions { Epochs = 0 })).Message);
        Assert.Contains("BatchSize must be at least 1",
            Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Fit(model, loss, sgd, x, y, new TrainingOptions { BatchSize = 0 })).Message);
        Assert.Contains("20 input samples",
            Assert.Throws<ArgumentException>(() => Trainer.Fit(model, loss, sgd, x, new Tensor(19, 3), new TrainingOptions())).Message);
        Assert.Contains("one-hot",
            Assert.Throws<ShapeMismatchException>(() => Trainer.Fit(model, loss, sgd, x, new Tensor(20), new TrainingOptions())).Message);
        Assert.Contains("N×4",
            Assert.Throws<ShapeMismatchException>(() => Trainer.Fit(model, loss, sgd, new Tensor(20, 5), y, new TrainingOptions())).Message);
        Assert.Contains("or neither",
            Assert.Throws<ArgumentException>(() => Trainer.Fit(model, loss, sgd, x, y, new TrainingOptions { ValidationInputs = x })).Message);
    }

    [Fact]
    public void The_training_loop_allocates_nothing_per_batch_in_the_steady_state()
    {
        // Measures the loop itself (MiniBatches, Sequential, loss, Adam, callbacks) around a test layer that is known not
        // to allocate, so an allocation inside a real layer does not hide or fake one here.
        // 640 samples in batches of 32: 20 full batches per epoch, so no buffer ever changes batch size.
        var (x, y, _) = TinyData.Blobs(640, 4, 4, seed: 9);
        long AllocatedBy(int epochs)
        {
            var model = new Sequential([4], new ElementwiseAffine(4));
            var options = new TrainingOptions { Epochs = epochs, BatchSize = 32, OnBatch = static _ => { } };
            long before = GC.GetAllocatedBytesForCurrentThread();
            Trainer.Fit(model, new SoftmaxCrossEntropy(), new Adam(0.01f), x, y, options);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        AllocatedBy(2); // warm up (JIT)
        long extraPerEpoch = (AllocatedBy(6) - AllocatedBy(2)) / 4;
        // An epoch records one EpochResult; one small tensor allocated per batch would cost 20 × ≥ 500 bytes.
        Assert.True(extraPerEpoch < 512, $"{extraPerEpoch} bytes allocated per extra epoch of 20 batches");
    }

    /// <summary>z = w ⊙ x + b on N×D, with reused buffers: a trainable layer that allocates nothing per batch.</summary>
    private sealed class ElementwiseAffine(int features) : ILayer
    {
        private readonly Parameter _w = new("w", new Tensor(features).Fill(1f)), _b = new("b", new Tensor(features));
        private Tensor? _input, _output, _dInput;

        public string Name => "ElementwiseAffine";

        public IReadOnlyList<Parameter> Parameters => [_w, _b];

        public int[] OutputShape(IReadOnlyList<int> inputShape) => [features];

        public Tensor Forward(Tensor input)
        {
            if (_output is null || !_output.SameShape(input)) (_output, _dInput) = (new Tensor(input.Dim(0), features), new Tensor(input.Dim(0), features));
            for (int i = 0; i < input.Length; i++) _output.Data[i] = _w.Value.Data[i % features] * input.Data[i] + _b.Value.Data[i % features];
            _input = input;
            return _output;
        }

        public Tensor Backward(Tensor dOutput)
        {
            for (int i = 0; i < dOutput.Length; i++)
            {
                _w.Gradient.Data[i % features] += dOutput.Data[i] * _input!.Data[i];
                _b.Gradient.Data[i % features] += dOutput.Data[i];
                _dInput!.Data[i] = dOutput.Data[i] * _w.Value.Data[i % features];
            }
            return _dInput!;
        }
    }
}
