using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

namespace CnnFromScratch.Data;

/// <summary>
/// One-hot targets: label k among K classes becomes the row y with y_k = 1 and every other entry 0,
/// the form <c>SoftmaxCrossEntropy</c> compares with the predicted probabilities.
/// </summary>
public static class OneHot
{
    /// <summary>An N×K tensor whose row n is the one-hot vector of <paramref name="labels"/>[n].</summary>
    public static Tensor Encode(IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (classes < 1)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "There must be at least one class.");
        var y = new Tensor(labels.Count, classes);
        for (int n = 0; n < labels.Count; n++)
        {
            int k = labels[n];
            if ((uint)k >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels),
                    $"Label {k} at position {n} is outside 0..{classes - 1}. Check the number of classes ({classes}).");
            y.Data[n * classes + k] = 1f;
        }
        return y;
    }

    /// <summary>The index of the largest entry of each row of an N×K tensor: the inverse of <see cref="Encode"/>, and the predicted class of a row of scores.</summary>
    public static int[] Decode(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Rank != 2)
            throw new ArgumentException($"Expected an N×K tensor, but got {TensorShape.Format(rows.Shape)}.", nameof(rows));
        int n = rows.Dim(0), k = rows.Dim(1);
        var labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = Classification.ArgMax(rows, i);
        return labels;
    }
}
