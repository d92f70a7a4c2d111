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
