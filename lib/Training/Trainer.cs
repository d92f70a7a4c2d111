using System.Diagnostics;
using CnnFromScratch.Fast;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Optimizers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Training;

/// <summary>The mini-batch training loop.</summary>
public static class Trainer
{
    /// <summary>How far above the first batch's loss J₀ a batch loss may climb before training counts as diverged.</summary>
    public const double DivergenceFactor = 100;

    /// <summary>
    /// Trains <paramref name="model"/> for <see cref="TrainingOptions.Epochs"/> epochs. For every mini-batch:
    /// augment the inputs and set the scheduled learning rate (when asked), zero the gradients, forward pass, loss, backward pass, optimizer step. Returns one <see cref="EpochResult"/> per epoch.
    /// </summary>
    /// <param name="model">The network; its parameters are updated in place.</param>
    /// <param name="loss">The loss J, e.g. <see cref="SoftmaxCrossEntropy"/> on the model's logits.</param>
    /// <param name="optimizer">Updates the parameters; <see cref="TrainingOptions.OnBatch"/> and <see cref="TrainingOptions.OnEpoch"/> may change its learning rate.</param>
    /// <param name="inputs">Training inputs, N × the model's input shape.</param>
    /// <param name="targets">Training targets, N × the model's output shape (one-hot rows for classification).</param>
    /// <param name="options">Epochs, batch size, shuffle seed, optional validation set and callbacks.</param>
    /// <exception cref="TrainingDivergedException">
    /// The loss diverged: a batch loss J was NaN or ±∞, or J &gt; <see cref="DivergenceFactor"/> · J₀ + 1 for the first batch's loss J₀.
    /// Healthy training never climbs that far (for ten classes J₀ ≈ ln 10 ≈ 2.3, so the limit is about 231, a probability
    /// of e^−231 on the right class); a learning rate that blows the weights up gets there within a few batches, while
    /// the accuracy sits at chance. The "+ 1" keeps a tiny starting loss from tripping it on noise.
    /// </exception>
    /// <exception cref="ArgumentException">The inputs or targets are empty, the wrong shape, or hold NaN or ±∞ (the message names the first bad sample).</exception>
    public static TrainingHistory Fit(Sequential model, ILoss loss, IOptimizer optimizer, Tensor inputs, Tensor targets, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        Validate(model, inputs, targets, options);

        var batches = new MiniBatches(inputs, targets, options.BatchSize, options.Seed);
        IReadOnlyList<Parameter> parameters = model.Parameters;
        var history = new TrainingHistory();
        int step = 0;
        double startingLoss = double.NaN; // J₀, the first batch's loss
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            long started = Stopwatch.GetTimestamp();
            if (options.Shuffle) batches.Shuffle();
            model.Training = true; // Dropout drops and BatchNorm uses batch statistics (Evaluate switches to evaluation and back)
            double lossSum = 0;
            int seen = 0, correct = 0;
            for (int b = 0; b < batches.Count; b++)
            {
                (Tensor x, Tensor y) = batches.Batch(b);
                options.Augment?.Invoke(x);
                if (options.Schedule is not null) optimizer.LearningRate = options.Schedule.At(step);
                double batchLoss;
                using (Buffers.Reusing()) // nobody outside sees this step's tensors, so the layers reuse their buffers
                {
                    model.ZeroGradients();
                    Tensor output = model.Forward(x);
                    batchLoss = loss.Forward(output, y);
                    if (step == 0) startingLoss = batchLoss;
                    if (!double.IsFinite(batchLoss))
                        throw new TrainingDivergedException(epoch, b + 1, batchLoss, optimizer.LearningRate);
                    if (batchLoss > DivergenceFactor * startingLoss + 1)
                        throw new TrainingDivergedException(epoch, b + 1, batchLoss, optimizer.LearningRate, startingLoss);
                    correct += Classification.CountCorrect(output, y);
                    model.Backward(loss.Backward(), inputGradient: false); // the inputs are data: no ∂J/∂input
                    optimizer.Step(parameters);
                }

                int size = x.Dim(0);
                seen += size;
                lossSum += batchLoss * size; // weight by size: the last batch may be smaller
                step++;
                options.OnBatch?.Invoke(new BatchProgress(epoch, b + 1, batches.Count, step, batchLoss, (double)correct / seen));
            }

            double? validationLoss = null, validationAccuracy = null;
            if (options.ValidationInputs is not null)
            {
                var (vl, va) = model.Evaluate(loss, options.ValidationInputs, options.ValidationTargets!, options.BatchSize);
                (validationLoss, validationAccuracy) = (vl, va);
            }
            var result = new EpochResult(epoch, lossSum / seen, (double)correct / seen, validationLoss, validationAccuracy,
                Stopwatch.GetElapsedTime(started).TotalSeconds);
            history.Add(result);
            options.OnEpoch?.Invoke(result);
        }
        return history;
    }

    private static void Validate(Sequential model, Tensor inputs, Tensor targets, TrainingOptions options)
    {
        if (options.Epochs < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "TrainingOptions.Epochs must be at least 1.");
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "TrainingOptions.BatchSize must be at least 1 (typical values: 32 to 128).");
        if (inputs.Dim(0) == 0)
            throw new ArgumentException("The training set is empty (N = 0).", nameof(inputs));
        Sequential.RequireSamples(inputs, model.InputShape, "inputs");
        model.RequireTargets(inputs, targets);
        FiniteData.Require(inputs, "training inputs", nameof(inputs));
        FiniteData.Require(targets, "training targets", nameof(targets));

        if ((options.ValidationInputs is null) != (options.ValidationTargets is null))
            throw new ArgumentException(
                "Give both TrainingOptions.ValidationInputs and ValidationTargets, or neither.", nameof(options));
        if (options.ValidationInputs is not null)
        {
            if (options.ValidationInputs.Dim(0) == 0)
                throw new ArgumentException("The validation set is empty (N = 0): leave ValidationInputs unset instead.", nameof(options));
            Sequential.RequireSamples(options.ValidationInputs, model.InputShape, "validation inputs");
            model.RequireTargets(options.ValidationInputs, options.ValidationTargets!, "validation targets");
            FiniteData.Require(options.ValidationInputs, "validation inputs", nameof(options));
            FiniteData.Require(options.ValidationTargets!, "validation targets", nameof(options));
        }
    }
}
