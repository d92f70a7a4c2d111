using CnnFromScratch.Fast;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Training;

/// <summary>Running a trained model over a whole data set, in batches: predictions and the mean loss and accuracy.</summary>
public sealed partial class Sequential
{
    /// <summary>The class of each sample: the argmax of each output row, computed in batches of <paramref name="batchSize"/>.</summary>
    public int[] Predict(Tensor inputs, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        RequireSamples(inputs, _inputShape, "inputs");
        FiniteData.RequireSamples(inputs, "inputs", nameof(inputs));
        var predictions = new int[inputs.Dim(0)];
        InBatches(inputs, null, batchSize, (output, _, start) =>
        {
            for (int n = 0; n < output.Dim(0); n++) predictions[start + n] = Classification.ArgMax(output, n);
        });
        return predictions;
    }

    /// <summary>
    /// The mean loss and the accuracy (argmax of output = argmax of target) over a whole data set, computed in batches of
    /// <paramref name="batchSize"/>. Runs forward passes only: no gradient changes.
    /// </summary>
    public (double Loss, double Accuracy) Evaluate(ILoss loss, Tensor inputs, Tensor targets, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        RequireSamples(inputs, _inputShape, "inputs");
        RequireTargets(inputs, targets);
        FiniteData.RequireSamples(inputs, "inputs", nameof(inputs));
        FiniteData.Require(targets, "targets", nameof(targets));
        double lossSum = 0;
        int correct = 0;
        InBatches(inputs, targets, batchSize, (output, y, _) =>
        {
            // J is a batch mean; weight it by the batch size so the last, smaller batch counts fairly.
            lossSum += loss.Forward(output, y!) * output.Dim(0);
            correct += Classification.CountCorrect(output, y!);
        });
        int count = inputs.Dim(0);
        return (lossSum / count, (double)correct / count);
    }

    // Runs the model in evaluation mode over consecutive rows, copying each batch into buffers reused across batches.
    private void InBatches(Tensor inputs, Tensor? targets, int batchSize, Action<Tensor, Tensor?, int> onBatch)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        bool wasTraining = _training;
        Training = false; // inference: no dropout, BatchNorm with its running statistics
        try
        {
            RunBatches(inputs, targets, batchSize, onBatch);
        }
        finally
        {
            Training = wasTraining;
        }
    }

    // Nobody outside sees the layers' outputs here, so they reuse their buffers (see Buffers).
    private void RunBatches(Tensor inputs, Tensor? targets, int batchSize, Action<Tensor, Tensor?, int> onBatch)
    {
        int count = inputs.Dim(0);
        Tensor? x = null, y = null;
        using var reuse = Buffers.Reusing();
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            if (x is null || x.Dim(0) != size)
            {
                x = MiniBatches.BufferLike(inputs, size);
                y = targets is null ? null : MiniBatches.BufferLike(targets, size);
            }
            // Checked batch by batch, in the copy's sweep: nothing is kept from a run that throws (Require names the sample).
            if (!MiniBatches.CopyRowRange(inputs, start, x)) FiniteData.Require(x, "inputs", nameof(inputs), start);
            if (targets is not null) MiniBatches.CopyRowRange(targets, start, y!);
            onBatch(Forward(x), y, start);
        }
    }
}
