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
        int saved = WorkerPool.ThreadCount;
        WorkerPool.ThreadCount = threads;
        try
        {
            // Synthetic 28×28 images: 20 batches of 32 per epoch, all full, so no buffer changes size.
            var random = new Random(11);
            Tensor images = Tensor.RandomUniform(random, 0f, 1f, 20 * 32, 1, 28, 28);
            var targets = new Tensor(20 * 32, 10);
            for (int n = 0; n < targets.Dim(0); n++) targets[n, random.Next(10)] = 1f;
            var model = new Sequential([1, 28, 28],
                new Conv2d(1, 2, 5, random, implementation: implementation), new ReLU(), new MaxPool2d(2, implementation: implementation),
                new Flatten(), new Dense(288, 60, random), new ReLU(), new Dense(60, 10, random));

            // The bytes this thread and the kernel helper threads allocate between batch 5 and batch 20 (the last).
            // Counting only these threads keeps the count exact: the test host's own threads allocate now and then.
            static long Allocated() => GC.GetAllocatedBytesForCurrentThread() + WorkerPool.HelperAllocatedBytes();
            long atFirst = 0, atLast = 0;
            var options = new TrainingOptions
            {
                Epochs = 1,
                BatchSize = 32,
                OnBatch = p =>
                {
                    if (p.Batch == 5) atFirst = Allocated();
                    if (p.Batch == 20) atLast = Allocated();
                },
            };
            Trainer.Fit(model, new SoftmaxCrossEntropy(), new Sgd(0.01f), images, targets, options); // warm-up: JIT, buffers, helper threads
            Trainer.Fit(model, new SoftmaxCrossEntropy(), new Sgd(0.01f), images, targets, options);
            Assert.Equal(0, atLast - atFirst);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    // LeNet-5 with momentum at batch 64: both convolutions (padding 2; 6→16 channels), long ReLUs split across cores, Dense 400→120→84→10.
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Training_LeNet5_with_momentum_allocates_nothing_per_batch_in_the_steady_state(int threads)
    {
        int saved = WorkerPool.ThreadCount;
        WorkerPool.ThreadCount = threads;
        try
        {
            var random = new Random(12);
            Tensor images = Tensor.RandomUniform(random, 0f, 1f, 12 * 64, 1, 28, 28);
            var targets = new Tensor(12 * 64, 10);
            for (int n = 0; n < targets.Dim(0); n++) targets[n, random.Next(10)] = 1f;
            var model = new Sequential([1, 28, 28],
                new Conv2d(1, 6, 5, random, padding: 2), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, 5, random), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Dense(400, 120, random), new ReLU(), new Dense(120, 84, random), new ReLU(), new Dense(84, 10, random));
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
}
