using System.Globalization;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Checks for chapter 03 (ReLU, pooling, softmax): max pooling forward and a numerically stable softmax,
/// each compared with the library's layer on the chapter's hand example and on harder cases.
/// </summary>
public static class PoolingSoftmaxExercises
{
    /// <summary>
    /// Checks <paramref name="maxPool"/>(x, window, stride) for N×C×H×W inputs against <see cref="MaxPool2d"/>:
    /// the 4×4 hand example, several batches and channels, stride ≠ window, overlapping windows, a size that
    /// does not divide evenly, and an all-negative input. Prints ✅/⏳/❌ and never throws.
    /// </summary>
    public static ExerciseResult CheckMaxPoolForward(Func<Tensor, int, int, Tensor> maxPool)
    {
        ArgumentNullException.ThrowIfNull(maxPool);
        return ExerciseCheck.Run("maxpool-forward", c =>
        {
            // The chapter's hand example: 1..16 in a 4×4, window 2, stride 2.
            var x = new Tensor(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 1, 4, 4);
            c.Close("the 4×4 example (1..16, window 2, stride 2)", new Tensor([6f, 8f, 14f, 16f], 1, 1, 2, 2), maxPool(x.Clone(), 2, 2),
                hint: "each output is the largest of one 2×2 window; output [i, j] reads rows 2i..2i+1 and columns 2j..2j+1.");

            var random = new Random(3);
            Compare(c, maxPool, Tensor.RandomNormal(random, 1f, 2, 3, 6, 6), 2, 2,
                "2×3×6×6 (two images, three channels)",
                "loop over every image n and channel c, and write output [n, c, i, j]; pooling never mixes channels.");
            Compare(c, maxPool, Tensor.RandomNormal(random, 1f, 1, 2, 7, 7), 3, 2,
                "1×2×7×7 with window 3 and stride 2",
                "the window for output [i, j] starts at row i·stride and column j·stride (not i·window), and the output is " +
                "ConvArithmetic.OutputSize(H, window, stride) = 3 per side here.");
            Compare(c, maxPool, Tensor.RandomNormal(random, 1f, 2, 1, 5, 5), 2, 1,
                "2×1×5×5 with window 2 and stride 1 (overlapping windows)",
                "with stride 1 the windows overlap: output size ConvArithmetic.OutputSize(5, 2, 1) = 4 per side.");
            Compare(c, maxPool, Tensor.RandomNormal(random, 1f, 1, 1, 5, 6), 2, 2,
                "1×1×5×6 (a height that 2 does not divide)",
                "the output size is ⌊(H − window) / stride⌋ + 1 per side, computed separately for height and width; the last row is dropped.");
            var negative = Tensor.RandomUniform(random, -5f, -1f, 1, 2, 4, 4);
            Compare(c, maxPool, negative, 2, 2,
                "1×2×4×4 with every value negative",
                "pooling only picks values, so the result must be negative too.");
        });
    }

    /// <summary>
    /// Checks <paramref name="softmax"/>(z) for rows of an N×K tensor against <see cref="Softmax"/>: the hand example
    /// [1, 2, 3], the same logits shifted to [1000, 1001, 1002] and to [−1000, −999, −998] (a naive softmax
    /// yields NaN there), rows spanning 2000 (where subtracting the row's minimum or mean still overflows),
    /// a batch whose rows live at very different scales, and random logits.
    /// Prints ✅/⏳/❌ and never throws.
    /// </summary>
    public static ExerciseResult CheckStableSoftmax(Func<Tensor, Tensor> softmax)
    {
        ArgumentNullException.ThrowIfNull(softmax);
        const string overflowHint = "exp(1000) overflows float32 to ∞ and ∞/∞ is NaN (exp(−1000) underflows to 0 and 0/0 is NaN): " +
                                    "subtract each row's maximum from the row before taking exp.";
        return ExerciseCheck.Run("stable-softmax", c =>
        {
            var hand = new Tensor([0.09003057f, 0.24472847f, 0.66524096f], 1, 3);
            Compare(c, softmax, new Tensor([1f, 2f, 3f], 1, 3), hand, "softmax of [1, 2, 3]",
                "ŷᵢ = exp(zᵢ) / Σⱼ exp(zⱼ), summed over the K entries of one row.");
            Compare(c, softmax, new Tensor([1000f, 1001f, 1002f], 1, 3), hand, "softmax of [1000, 1001, 1002]", overflowHint);
            Compare(c, softmax, new Tensor([-1000f, -999f, -998f], 1, 3), hand, "softmax of [−1000, −999, −998]", overflowHint);

            // Rows at different scales: subtracting the batch's maximum (instead of each row's) leaves 0/0 in row 2.
            var mixed = new Tensor([1000f, 1001f, 1002f, 0f, 1f, 2f, -5f, 0f, 5f], 3, 3);
            Compare(c, softmax, mixed, Reference(mixed), "a 3×3 batch with rows at very different scales",
                "normalise each row on its own: subtract that row's maximum and divide by that row's sum (not the whole batch's).");

            // A row spanning 2000: subtracting its minimum leaves exp(2000) and its mean exp(1000), both ∞ even in double.
            var wide = new Tensor([-1000f, 0f, 1000f, 0f, 500f, 1000f], 2, 3);
            Compare(c, softmax, wide, Reference(wide), "rows [−1000, 0, 1000] and [0, 500, 1000], which span 2000",
                "the shift must be each row's maximum: then the largest exponent is e⁰ = 1 and every other one lies in (0, 1]. " +
                "Subtracting the row's minimum or its mean leaves exp(1000) or more, which overflows to ∞ even in double.");

            var random = new Random(5);
            var z = Tensor.RandomNormal(random, 3f, 8, 10);
            Compare(c, softmax, z, Reference(z), "random 8×10 logits",
                "each row of the result must be positive and sum to 1; the sum runs over the K columns of one row.");
        });
    }

    private static void Compare(ExerciseCheck c, Func<Tensor, int, int, Tensor> maxPool, Tensor x, int window, int stride, string what, string hint)
    {
        // The reference runs first on its own copy, so a student's in-place edit cannot change it.
        Tensor expected = new MaxPool2d(window, stride, Implementation.Naive).Forward(x.Clone()).Clone();
        Tensor? actual = maxPool(x.Clone(), window, stride);
        // A 0 where every value of the window is negative: the running maximum started at 0.
        int zero = actual is not null && actual.SameShape(expected)
            ? Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected.Data[i] < 0f && actual.Data[i] == 0f, -1)
            : -1;
        if (zero >= 0)
            c.True(false, string.Create(CultureInfo.InvariantCulture,
                    $"{what}: at {TensorShape.FormatIndex(expected.Shape, zero)} expected {expected.Data[zero]:0.#####} but got 0."),
                "every value in that window is negative; start each window's maximum at its first element (or float.NegativeInfinity), not at 0.");
        c.Close(what, expected, actual, hint: hint);
    }

    private static void Compare(ExerciseCheck c, Func<Tensor, Tensor> softmax, Tensor z, Tensor expected, string what, string hint)
    {
        Tensor? actual = softmax(z.Clone());
        // NaN or ∞ gets its own message: it is the symptom of the unstable formula.
        int bad = actual is null ? -1 : Array.FindIndex(actual.Data, v => !float.IsFinite(v));
        if (bad >= 0) c.True(false, $"{what}: your result holds {actual!.Data[bad]} at {TensorShape.FormatIndex(actual.Shape, bad)}.", hint);
        c.Close(what, expected, actual, tolerance: 1e-5f, hint: hint);
    }

    private static Tensor Reference(Tensor z) => new Softmax().Forward(z.Clone()).Clone();
}
