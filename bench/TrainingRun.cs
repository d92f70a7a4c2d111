using System.Diagnostics;
using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Training;

namespace CnnFromScratch.Bench;

/// <summary>The measurements of one training run (the same fields pytorch_reference.py prints).</summary>
internal sealed record RunResult(
    string Framework, int BatchSize, double TrainImagesPerSecond, double TrainSeconds, double InferenceImagesPerSecond, double TestAccuracy,
    double? BytesPerBatch, int? Collections, string LoadBefore);

/// <summary>Trains the network on the data set with the library's own Trainer, then classifies the test set.</summary>
internal static class TrainingRun
{
    /// <summary>Runs the network through a few hundred batches so the JIT has compiled the optimised code before the timer starts.</summary>
    public static void WarmUp(Dataset data, BenchSettings s, int batchSize)
    {
        WorkerPool.ThreadCount = s.Threads;
        int samples = Math.Min(data.Train.Count, Math.Max(300 * batchSize, 8192));
        var model = s.Network.Create(s.Seed + 1);
        var x = data.Train.Take(samples);
        Trainer.Fit(model, new SoftmaxCrossEntropy(), Optimizer(s), x.Images, x.OneHotLabels(),
            new TrainingOptions { Epochs = 1, BatchSize = batchSize, Seed = s.Seed });
        model.Predict(data.Test.Take(Math.Min(data.Test.Count, 50 * batchSize)).Images, batchSize);
    }

    /// <summary>SGD with the settings' learning rate, with momentum when it is above 0 (PyTorch's form: v ← βv + g, θ ← θ − ηv).</summary>
    public static IOptimizer Optimizer(BenchSettings s) => s.Momentum > 0 ? new Momentum(s.LearningRate, s.Momentum) : new Sgd(s.LearningRate);

    /// <summary>
    /// One timed run: <see cref="Trainer.Fit"/> for the configured epochs (batch size, optimiser, seed), then <see cref="Sequential.Predict"/>
    /// on the test set in batches of the same size. Allocation is measured over the steady-state batches of the first epoch,
    /// across all threads (<see cref="GC.GetTotalAllocatedBytes(bool)"/>).
    /// </summary>
    public static RunResult Run(Dataset data, BenchSettings s, int batchSize)
    {
        WorkerPool.ThreadCount = s.Threads;
        string load = Machine.LoadAverage();
        var model = s.Network.Create(s.Seed);
        int batches = (data.Train.Count + batchSize - 1) / batchSize;
        // Skip the first batches (buffers are created) and the last ones (the last batch may be smaller and reallocate).
        int first = Math.Min(10, batches), last = Math.Max(first, batches - 2);
        long allocatedAtFirst = 0, allocatedAtLast = 0;
        var options = new TrainingOptions
        {
            Epochs = s.Epochs,
            BatchSize = batchSize,
            Seed = s.Seed,
            OnBatch = p =>
            {
                if (p.Epoch != 1) return;
                if (p.Batch == first) allocatedAtFirst = GC.GetTotalAllocatedBytes(precise: true);
                else if (p.Batch == last) allocatedAtLast = GC.GetTotalAllocatedBytes(precise: true);
            },
        };
        int collections = GC.CollectionCount(0);
        long start = Stopwatch.GetTimestamp();
        Trainer.Fit(model, new SoftmaxCrossEntropy(), Optimizer(s), data.Train.Images, data.TrainTargets, options);
        double trainSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        collections = GC.CollectionCount(0) - collections;

        start = Stopwatch.GetTimestamp();
        int[] predicted = model.Predict(data.Test.Images, batchSize);
        double inferenceSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        int correct = 0;
        for (int n = 0; n < predicted.Length; n++) if (predicted[n] == data.Test.Labels[n]) correct++;

        double? perBatch = last > first ? (double)(allocatedAtLast - allocatedAtFirst) / (last - first) : null;
        return new RunResult("CnnFromScratch (C#)", batchSize, (double)s.Epochs * data.Train.Count / trainSeconds, trainSeconds,
            data.Test.Count / inferenceSeconds, (double)correct / data.Test.Count, perBatch, collections, load);
    }
}
