using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Training;

/// <summary>The shape checks of a model's inputs and targets, with messages that name the likely mistake.</summary>
public sealed partial class Sequential
{
    /// <summary>Throws a <see cref="ShapeMismatchException"/> unless <paramref name="targets"/> holds one row of the model's output shape per input sample.</summary>
    internal void RequireTargets(Tensor inputs, Tensor targets, string what = "targets")
    {
        if (targets.Dim(0) != inputs.Dim(0))
            throw new ArgumentException(
                $"The {what} hold {targets.Dim(0)} rows but there are {inputs.Dim(0)} input samples; every sample needs exactly one target row.",
                nameof(targets));
        RequireSamples(targets, _outputShapes[^1], what);
    }

    /// <summary>Throws a <see cref="ShapeMismatchException"/> unless <paramref name="batch"/> is N × <paramref name="sample"/>.</summary>
    internal static void RequireSamples(Tensor batch, IReadOnlyList<int> sample, string what)
    {
        bool fits = batch.Rank == sample.Count + 1;
        for (int d = 0; fits && d < sample.Count; d++) fits = batch.Dim(d + 1) == sample[d]; // a loop: no allocation per batch
        if (fits) return;

        int perSample = sample.Aggregate(1, (a, b) => a * b);
        string cause = what switch
        {
            _ when batch.Shape.SequenceEqual(sample) =>
                $"This looks like one sample without the batch dimension: reshape it to 1×{TensorShape.Format(sample)}.",
            _ when what.EndsWith("targets", StringComparison.Ordinal) && batch.Rank == 1 =>
                "The targets look like class labels: one-hot encode them into rows of the model's output size.",
            _ when what.EndsWith("targets", StringComparison.Ordinal) =>
                $"Each target row must match the model's output ({TensorShape.Format(sample)} per sample): check the number of classes of the last layer and of the targets.",
            _ when batch.Rank >= 1 && batch.Dim(0) > 0 && batch.Length / batch.Dim(0) == perSample =>
                $"Each sample has the right number of values ({perSample}) but the wrong layout: Reshape the batch to N×{TensorShape.Format(sample)}.",
            _ => $"The model was built for samples of shape {TensorShape.Format(sample)}: check the data, or the input shape given to the Sequential constructor.",
        };
        throw new ShapeMismatchException($"Sequential model ({what})", "N×" + TensorShape.Format(sample), batch.Shape, cause);
    }
}
