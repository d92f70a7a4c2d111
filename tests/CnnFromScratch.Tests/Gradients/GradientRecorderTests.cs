using CnnFromScratch.Gradients;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Tests.Training;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Gradients;

public sealed class GradientRecorderTests
{
    private static Sequential Mlp(int seed)
    {
        var random = new Random(seed);
        return new Sequential([4], new Dense(4, 16, random), new ReLU(), new Dense(16, 3, random));
    }

    [Fact]
    public void Records_step_1_and_every_nth_step_with_the_norm_of_each_trainable_layers_gradient()
    {
        var (x, y, _) = TinyData.Blobs(64, 4, 3, seed: 3);
        Sequential model = Mlp(1);
        var recorder = new GradientRecorder(model, every: 5);
        var recorded = new List<bool>();
        var lastLoss = 0.0;
        Trainer.Fit(model, new SoftmaxCrossEntropy(), new Sgd(0.1f), x, y, new TrainingOptions
        {
            Epochs = 3, BatchSize = 16, // 4 batches per epoch: steps 1 … 12
            OnBatch = b => { recorded.Add(recorder.Record(b)); lastLoss = b.Loss; },
        });

        Assert.Equal([1, 5, 10], recorder.Steps);
        Assert.Equal(recorded.Count(r => r), recorder.Count);
        Assert.Equal([0, 2], recorder.LayerIndices);
        Assert.Equal(["0: " + model.Layers[0].Name, "2: " + model.Layers[2].Name], recorder.LayerNames);
        Assert.All(Enumerable.Range(0, 2), l => Assert.Equal(3, recorder.Norms(l).Count));
        Assert.All(recorder.Losses, l => Assert.True(l > 0));

        // Recorded now (after the last batch, whose gradients stay until the next ZeroGradients): √(Σ g²) over weights and bias.
        recorder.Record(12, lastLoss);
        for (int l = 0; l < 2; l++)
        {
            double expected = Math.Sqrt(model.Layers[recorder.LayerIndices[l]].Parameters.Sum(p => p.Gradient.Data.Sum(g => (double)g * g)));
            Assert.True(expected > 0);
            Assert.Equal(expected, recorder.Norms(l)[^1], expected * 1e-5);
        }
    }

    [Fact]
    public void Steps_it_skips_allocate_nothing_so_training_with_a_recorder_stays_allocation_free()
    {
        // The course network, as in the allocation tests of the layers: 20 full batches of 32 per epoch. The recorder runs
        // on this thread (in OnBatch), so this thread's count includes everything it allocates.
        var random = new Random(11);
        Tensor images = Tensor.RandomUniform(random, 0f, 1f, 20 * 32, 1, 28, 28);
        var targets = new Tensor(20 * 32, 10);
        for (int n = 0; n < targets.Dim(0); n++) targets[n, random.Next(10)] = 1f;
        var model = new Sequential([1, 28, 28],
            new Conv2d(1, 2, 5, random), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Dense(288, 60, random), new ReLU(), new Dense(60, 10, random));
        var recorder = new GradientRecorder(model, every: 1000);   // records step 1 only
        long atFirst = 0, atLast = 0;
        var options = new TrainingOptions
        {
            Epochs = 1, BatchSize = 32,
            OnBatch = b =>
            {
                recorder.Record(b);
                if (b.Batch == 5) atFirst = GC.GetAllocatedBytesForCurrentThread();
                if (b.Batch == 20) atLast = GC.GetAllocatedBytesForCurrentThread();
            },
        };
        Trainer.Fit(model, new SoftmaxCrossEntropy(), new Sgd(0.01f), images, targets, options); // warm-up: JIT, buffers
        Trainer.Fit(model, new SoftmaxCrossEntropy(), new Sgd(0.01f), images, targets, options);
        Assert.Equal(0, atLast - atFirst);
        Assert.Equal([1, 1], recorder.Steps);   // step 1 of each run, nothing in between
    }

    [Fact]
    public void A_recorder_says_what_is_wrong_with_its_arguments()
    {
        Assert.Contains("at least one step",
            Assert.Throws<ArgumentOutOfRangeException>(() => new GradientRecorder(Mlp(0), every: 0)).Message);
        Assert.Contains("no trainable layer",
            Assert.Throws<ArgumentException>(() => new GradientRecorder(new Sequential([4], new ReLU()))).Message);
        Assert.Contains("2 trainable layers (0 … 1)",
            Assert.Throws<ArgumentOutOfRangeException>(() => new GradientRecorder(Mlp(0)).Norms(2)).Message);
    }
}
