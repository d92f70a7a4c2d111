using CnnFromScratch.Data;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Checks for chapter 01 (data): one-hot encoding of labels, and the mean image of each class,
/// each compared with a reference on small hand-checkable inputs and on real digits.
/// </summary>
public static partial class DataExercises
{
    /// <summary>
    /// Checks <paramref name="oneHot"/>(labels, K) → N×K against <see cref="OneHot.Encode"/>: one label, the
    /// hand example [2, 0, 1] with K = 3, labels that use the first and the last class, more classes than labels,
    /// a single class, and <paramref name="labels"/> (e.g. the first training labels) with K = 10.
    /// Prints ✅/⏳/❌ and never throws.
    /// </summary>
    public static ExerciseResult CheckOneHot(Func<int[], int, Tensor> oneHot, IReadOnlyList<int>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(oneHot);
        return ExerciseCheck.Run("one-hot", c =>
        {
            Compare(c, oneHot, [3], 10, "the label 3 with K = 10");
            Compare(c, oneHot, [2, 0, 1], 3, "the labels [2, 0, 1] with K = 3");
            Compare(c, oneHot, [0, 9, 9, 0, 5], 10, "labels [0, 9, 9, 0, 5] (the first and the last class) with K = 10");
            Compare(c, oneHot, [1, 0], 4, "labels [1, 0] with K = 4 (more classes than labels)");
            Compare(c, oneHot, [0, 0, 0], 1, "labels [0, 0, 0] with K = 1");
            if (labels is { Count: > 0 })
                Compare(c, oneHot, labels.ToArray(), Math.Max(10, labels.Max() + 1), $"the {labels.Count} labels you passed in");
        });
    }

    private static void Compare(ExerciseCheck c, Func<int[], int, Tensor> oneHot, int[] labels, int classes, string what)
    {
        var expected = OneHot.Encode(labels, classes);
        var actual = oneHot((int[])labels.Clone(), classes);
        int n = labels.Length;
        if (actual is not null && !actual.SameShape(expected))
        {
            string hint = actual.HasShape(classes, n)
                ? "your result is K×N, the transpose: one row per label (N rows) and one column per class (K columns)."
                : actual.Rank == 2 && actual.Dim(0) == n && Math.Abs(actual.Dim(1) - classes) == 1
                    ? $"a row needs exactly K = {classes} columns, one per class 0..{classes - 1}; labels are 0-based."
                    : $"the result is N×K = {n}×{classes}: a new Tensor(N, K) with one 1 per row.";
            c.Close(what, expected, actual, hint: hint);
        }
        c.Close(what, expected, actual, tolerance: 0f, hint: OneHotHint(expected, actual, labels, classes));
    }

    private static string OneHotHint(Tensor expected, Tensor? actual, int[] labels, int classes)
    {
        if (actual is null || !actual.SameShape(expected)) return "";
        for (int n = 0; n < labels.Length; n++)
        {
            var row = actual.Data.AsSpan(n * classes, classes);
            int ones = 0, at = -1;
            for (int k = 0; k < classes; k++)
                if (row[k] != 0f) { ones++; at = k; }
            if (ones != 1 || row[at] != 1f)
                return $"row {n} (label {labels[n]}) should hold exactly one 1 and K − 1 zeros.";
            if (at == labels[n] - 1 || at == labels[n] + 1)
                return $"label {labels[n]} belongs in column {labels[n]} (0-based), not {at}: an off-by-one.";
            if (at != labels[n])
                return $"row n gets its 1 in column labels[n]; row {n} has it in column {at} instead of {labels[n]}.";
        }
        return "";
    }
}
