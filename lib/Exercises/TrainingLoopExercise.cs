using CnnFromScratch.Data;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Exercises;

// The check of chapter 05's mini-batch training loop, and the hints that name its likely mistakes.
public static partial class TrainingExercises
{
    /// <summary>
    /// Checks one epoch of mini-batch training, called as trainOneEpoch(model, loss, optimizer, batches): shuffle once,
    /// then for every batch zero the gradients, run forward, loss, backward and the optimizer step, and return the epoch's
    /// mean loss over the samples. Compared with <see cref="Trainer.Fit"/> for one epoch on a small CNN and 45 samples
    /// in batches of 8 (so the last batch holds 5): same parameters afterwards, same mean loss.
    /// </summary>
    public static ExerciseResult CheckTrainingLoop(Func<Sequential, ILoss, IOptimizer, MiniBatches, double> trainOneEpoch)
    {
        ArgumentNullException.ThrowIfNull(trainOneEpoch);
        return ExerciseCheck.Run("training-loop", c =>
        {
            var (inputs, targets) = LoopData();
            const int batchSize = 8, seed = 3;

            Sequential reference = LoopModel();
            double expectedLoss = Trainer.Fit(reference, new SoftmaxCrossEntropy(), LoopOptimizer(), inputs, targets,
                new TrainingOptions { Epochs = 1, BatchSize = batchSize, Seed = seed })[0].Loss;

            Sequential model = LoopModel();
            double loss = trainOneEpoch(model, new SoftmaxCrossEntropy(), LoopOptimizer(), new MiniBatches(inputs.Clone(), targets.Clone(), batchSize, seed));
            string hint = LoopHint(model, inputs, targets, batchSize, seed);
            for (int p = 0; p < reference.Parameters.Count; p++)
                c.Close($"{reference.Parameters[p].Name} of layer {LayerOf(reference, p)} after one epoch", reference.Parameters[p].Value, model.Parameters[p].Value,
                    tolerance: 1e-4f, hint: hint);
            c.Close("the epoch's mean loss you returned", expectedLoss, loss, tolerance: 1e-5,
                hint: "add each batch's loss times its size and divide by the number of samples: the last batch holds 5 samples, not 8.");
        });
    }

    // ---- the training loop ----

    private static (Tensor Inputs, Tensor Targets) LoopData()
    {
        var random = new Random(41);
        Tensor inputs = Tensor.RandomUniform(random, 0f, 1f, 45, 1, 6, 6);
        Tensor targets = OneHot.Encode(Enumerable.Range(0, 45).Select(_ => random.Next(3)).ToArray(), 3);
        return (inputs, targets);
    }

    private static Sequential LoopModel()
    {
        var random = new Random(42);
        return new Sequential([1, 6, 6],
            new Conv2d(1, 2, 3, random, implementation: Implementation.Naive), new ReLU(), new MaxPool2d(2, implementation: Implementation.Naive),
            new Flatten(), new Dense(8, 3, random));
    }

    // Momentum makes the mistakes visible: gradients that are not zeroed pile up, a skipped step leaves θ unchanged.
    private static IOptimizer LoopOptimizer() => new Momentum(0.1f, 0.9f);

    private static string LayerOf(Sequential model, int parameterIndex)
    {
        int seen = 0;
        for (int k = 0; k < model.Layers.Count; k++)
        {
            seen += model.Layers[k].Parameters.Count;
            if (parameterIndex < seen) return $"{k} ({model.Layers[k].Name})";
        }
        return "?";
    }

    private enum LoopMistake { NoZeroGradients, NoShuffle, NoStep, FirstBatchOnly }

    private static string LoopHint(Sequential actual, Tensor inputs, Tensor targets, int batchSize, int seed)
    {
        foreach (LoopMistake mistake in Enum.GetValues<LoopMistake>())
        {
            Sequential wrong = LoopModel();
            RunLoopWith(mistake, wrong, inputs, targets, batchSize, seed);
            bool same = Enumerable.Range(0, wrong.Parameters.Count).All(p =>
                wrong.Parameters[p].Value.MaxAbsDifference(actual.Parameters[p].Value) <= 1e-5f);
            if (same)
                return mistake switch
                {
                    LoopMistake.NoZeroGradients => "zero the gradients (model.ZeroGradients()) before every batch: Backward adds into them, so " +
                                                   "without it each step uses the sum of all the gradients so far.",
                    LoopMistake.NoShuffle => "call batches.Shuffle() once at the start of the epoch, so the batches are drawn in a new random order.",
                    LoopMistake.NoStep => "the parameters did not move: call optimizer.Step(model.Parameters) after the backward pass of every batch " +
                                          "(a step before Backward, or a ZeroGradients between Backward and Step, sees only zero gradients).",
                    _ => "loop over every batch, b = 0 … batches.Count − 1, not only the first.",
                };
        }
        return "for every batch: model.ZeroGradients(); ŷ = model.Forward(x); loss.Forward(ŷ, y); model.Backward(loss.Backward()); " +
               "optimizer.Step(model.Parameters).";
    }

    private static void RunLoopWith(LoopMistake mistake, Sequential model, Tensor inputs, Tensor targets, int batchSize, int seed)
    {
        var batches = new MiniBatches(inputs, targets, batchSize, seed);
        var loss = new SoftmaxCrossEntropy();
        IOptimizer optimizer = LoopOptimizer();
        if (mistake != LoopMistake.NoShuffle) batches.Shuffle();
        int count = mistake == LoopMistake.FirstBatchOnly ? 1 : batches.Count;
        for (int b = 0; b < count; b++)
        {
            var (x, y) = batches.Batch(b);
            if (mistake != LoopMistake.NoZeroGradients) model.ZeroGradients();
            loss.Forward(model.Forward(x), y);
            model.Backward(loss.Backward());
            if (mistake != LoopMistake.NoStep) optimizer.Step(model.Parameters);
        }
    }
}
