using CnnFromScratch.Data;
using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Layers;

[Collection(nameof(WorkerPoolSettings))]
public sealed class RegularisedTrainingAllocationTests
{
    [Fact]
    public void Training_with_batch_norm_dropout_weight_decay_a_schedule_and_augmentation_allocates_nothing_per_batch()
    {
        // One thread: the helper threads' own bookkeeping (they record their allocations after each pass, and may sleep)
        // is the pool's business, tested in AllocationTests; this test is about the layers, the optimiser and the augmentation.
        int saved = WorkerPool.ThreadCount;
        WorkerPool.ThreadCount = 1;
        try
        {
            Run();
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    // LeNet-5 with batch norm after both convolutions and the hidden dense layers, and dropout before the dense head, at
    // batch 64: the first batch norm's 301,056 values are split across the cores, so this counts the helper threads too.
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Training_LeNet5_with_batch_norm_and_dropout_allocates_nothing_per_batch(int threads)
    {
        int saved = WorkerPool.ThreadCount;
        WorkerPool.ThreadCount = threads;
        try
        {
            var random = new Random(13);
            Tensor images = Tensor.RandomUniform(random, 0f, 1f, 12 * 64, 1, 28, 28);
            var targets = new Tensor(12 * 64, 10);
            for (int n = 0; n < targets.Dim(0); n++) targets[n, random.Next(10)] = 1f;
            var model = new Sequential([1, 28, 28],
                new Conv2d(1, 6, 5, random, padding: 2), new BatchNorm(6), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, 5, random), new BatchNorm(16), new ReLU(), new MaxPool2d(2), new Flatten(), new Dropout(0.5f, random),
                new Dense(400, 120, random), new BatchNorm(120), new ReLU(), new Dropout(0.5f, random),
                new Dense(120, 84, random), new BatchNorm(84), new ReLU(), new Dense(84, 10, random));
            static long Allocated() => GC.GetAllocatedBytesForCurrentThread() + WorkerPool.HelperAllocatedBytes();
            long atFirst = 0, atLast = 0;
            var options = new TrainingOptions
            {
                Epochs = 1,
                BatchSize = 64,
                OnBatch = p =>
                {
                    if (p.Batch == 4) atFirst = Allocated();
                    if (p.Batch == 12) atLast = Allocated();
                },
            };
            var optimizer = new Momentum(0.01f, 0.9f);
            Trainer.Fit(model, new SoftmaxCrossEntropy(), optimizer, images, targets, options); // warm-up: JIT, buffers, helper threads
            Trainer.Fit(model, new SoftmaxCrossEntropy(), optimizer, images, targets, options);
            Assert.Equal(0, atLast - atFirst);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    private static void Run()
    {
        var random = new Random(12);
        Tensor images = Tensor.RandomUniform(random, 0f, 1f, 20 * 32, 1, 28, 28);
        var targets = new Tensor(20 * 32, 10);
        for (int n = 0; n < targets.Dim(0); n++) targets[n, random.Next(10)] = 1f;
        var model = new Sequential([1, 28, 28],
            new Conv2d(1, 4, 5, random), new BatchNorm(4), new ReLU(), new MaxPool2d(2), new Flatten(),
            new Dense(576, 32, random), new BatchNorm(32), new ReLU(), new Dropout(0.3f, random), new Dense(32, 10, random));

        static long Allocated() => GC.GetAllocatedBytesForCurrentThread() + WorkerPool.HelperAllocatedBytes();
        long atFirst = 0, atLast = 0;
        var shift = new RandomShift(2, random);
        var options = new TrainingOptions
        {
            Epochs = 1,
            BatchSize = 32,
            Schedule = LearningRateSchedule.Cosine(0.05f, 40, warmupSteps: 5),
            Augment = shift.Apply,
            OnBatch = p =>
            {
                if (p.Batch == 5) atFirst = Allocated();
                if (p.Batch == 20) atLast = Allocated();
            },
        };
        var optimizer = new Momentum(0.05f, weightDecay: 5e-4f);
        Trainer.Fit(model, new SoftmaxCrossEntropy(), optimizer, images, targets, options); // warm-up: JIT, buffers, helper threads
        Trainer.Fit(model, new SoftmaxCrossEntropy(), optimizer, images, targets, options);
        Assert.Equal(0, atLast - atFirst);
    }
}
