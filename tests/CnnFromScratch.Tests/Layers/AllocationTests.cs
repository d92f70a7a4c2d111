using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Tests.Layers;

/// <summary>Tests that change <see cref="WorkerPool.ThreadCount"/>, a process-wide setting, run alone.</summary>
[CollectionDefinition(nameof(WorkerPoolSettings), DisableParallelization = true)]
public sealed class WorkerPoolSettings;

[Collection(nameof(WorkerPoolSettings))]
public sealed class AllocationTests
{
    // The fast kernels only: the naive ones build padded and rotated copies on purpose, to read like the derivation.
    [Theory]
    [InlineData(Implementation.Fast, 2)]
    [InlineData(Implementation.Fast, 1)]
    public void Training_the_course_network_allocates_nothing_per_batch_in_the_steady_state(Implementation implementation, int threads)
    {
        // Synthetic 28×28 images: 20 batches of 32 per epoch, all full, so no buffer changes size.
        var random = new Random(11);
        var model = new Sequential([1, 28, 28],
            new Conv2d(1, 2, 5, random, implementation: implementation), new ReLU(), new MaxPool2d(2, implementation: implementation),
            new Flatten(), new Dense(288, 60, random), new ReLU(), new Dense(60, 10, random));
        Assert.Equal(0, BytesPerSteadyEpoch(model, new Sgd(0.01f), random, batches: 20, batchSize: 32, firstCounted: 5, threads));
    }

    // LeNet-5 with momentum at batch 64: both convolutions (padding 2; 6→16 channels), long ReLUs split across cores, Dense 400→120→84→10.
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Training_LeNet5_with_momentum_allocates_nothing_per_batch_in_the_steady_state(int threads)
    {
        var random = new Random(12);
        var model = new Sequential([1, 28, 28],
            new Conv2d(1, 6, 5, random, padding: 2), new ReLU(), new MaxPool2d(2),
            new Conv2d(6, 16, 5, random), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Dense(400, 120, random), new ReLU(), new Dense(120, 84, random), new ReLU(), new Dense(84, 10, random));
        Assert.Equal(0, BytesPerSteadyEpoch(model, new Momentum(0.01f, 0.9f), random, batches: 12, batchSize: 64, firstCounted: 4, threads));
    }

    // Chapter 7's layers in LeNet-5: batch norm of feature maps (run with the ReLU after it as one) and of dense features,
    // and dropout, at batch 64.
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Training_LeNet5_with_batch_norm_and_dropout_allocates_nothing_per_batch_in_the_steady_state(int threads)
    {
        var random = new Random(13);
        var model = new Sequential([1, 28, 28],
            new Conv2d(1, 6, 5, random, padding: 2), new BatchNorm(6), new ReLU(), new MaxPool2d(2),
            new Conv2d(6, 16, 5, random), new BatchNorm(16), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Dropout(0.5f, random), new Dense(400, 120, random), new BatchNorm(120), new ReLU(),
            new Dropout(0.5f, random), new Dense(120, 10, random));
        Assert.Equal(0, BytesPerSteadyEpoch(model, new Momentum(0.01f, 0.9f), random, batches: 12, batchSize: 64, firstCounted: 4, threads));
    }

    // Trains one warm-up epoch (JIT, buffers, helper threads), then one more on random images with random one-hot targets,
    // and returns the bytes this thread and the kernel helper threads allocated from batch firstCounted to the last batch.
    // Counting only these threads keeps the count exact: the test host's own threads allocate now and then.
    private static long BytesPerSteadyEpoch(Sequential model, IOptimizer optimizer, Random random, int batches, int batchSize, int firstCounted, int threads)
    {
        int saved = WorkerPool.ThreadCount;
        WorkerPool.ThreadCount = threads;
        try
        {
            Tensor images = Tensor.RandomUniform(random, 0f, 1f, batches * batchSize, 1, 28, 28);
            var targets = new Tensor(batches * batchSize, 10);
            for (int n = 0; n < targets.Dim(0); n++) targets[n, random.Next(10)] = 1f;
            static long Allocated() => GC.GetAllocatedBytesForCurrentThread() + WorkerPool.HelperAllocatedBytes();
            long atFirst = 0, atLast = 0;
            var options = new TrainingOptions
            {
                Epochs = 1,
                BatchSize = batchSize,
                OnBatch = p =>
                {
                    if (p.Batch == firstCounted) atFirst = Allocated();
                    if (p.Batch == batches) atLast = Allocated();
                },
            };
            Trainer.Fit(model, new SoftmaxCrossEntropy(), optimizer, images, targets, options);
            Trainer.Fit(model, new SoftmaxCrossEntropy(), optimizer, images, targets, options);
            return atLast - atFirst;
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }
}
