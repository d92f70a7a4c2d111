using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>
/// Checks for chapter 02 (convolution): a naive single-channel convolution and the output-size formula.
/// Each compares the student's function with the library on several inputs and prints one ✅/⏳/❌ line.
/// </summary>
public static class ConvolutionExercises
{
    /// <summary>
    /// Checks <paramref name="convolve2d"/>(a, w): the valid cross-correlation of a matrix a (H×W) with a square
    /// kernel w (f×f), stride 1, no padding, returning (H − f + 1)×(W − f + 1), against the library's naive
    /// convolution on the hand example ([[1, 0, 0], [1, 2, 3], [3, 4, 5]] ⊛ [[1, 0], [0, 1]] = [[3, 3], [5, 7]])
    /// and on asymmetric kernels, rectangular inputs and edge cases.
    /// </summary>
    public static ExerciseResult CheckConvolve2d(Func<Tensor, Tensor, Tensor> convolve2d)
    {
        ArgumentNullException.ThrowIfNull(convolve2d);
        return ExerciseCheck.Run("convolve2d", c =>
        {
            var handInput = Tensor.From(new float[,] { { 1, 0, 0 }, { 1, 2, 3 }, { 3, 4, 5 } });
            var handKernel = Tensor.From(new float[,] { { 1, 0 }, { 0, 1 } });
            var handOutput = Tensor.From(new float[,] { { 3, 3 }, { 5, 7 } });
            Tensor studentHand = convolve2d(handInput.Clone(), handKernel.Clone());
            c.Close("hand example [[1,0,0],[1,2,3],[3,4,5]] ⊛ [[1,0],[0,1]]", handOutput, studentHand,
                hint: Diagnose(handInput, handKernel, studentHand));

            var random = new Random(2);
            foreach (var (name, a, w) in Cases(random))
            {
                Tensor actual = convolve2d(a.Clone(), w.Clone());
                c.Close(name, Reference(a, w), actual, hint: Diagnose(a, w, actual));
            }
        });
    }

    /// <summary>
    /// Checks <paramref name="outputSize"/>(n, f, s, p) against <see cref="ConvArithmetic.OutputSize"/> on our
    /// network's layers, on strides that do not divide n + 2p − f (the formula floors) and on padded inputs.
    /// </summary>
    public static ExerciseResult CheckOutputSize(Func<int, int, int, int, int> outputSize)
    {
        ArgumentNullException.ThrowIfNull(outputSize);
        return ExerciseCheck.Run("output-size", c =>
        {
            foreach (var (n, f, s, p) in OutputSizeCases)
            {
                int expected = ConvArithmetic.OutputSize(n, f, s, p);
                int actual = outputSize(n, f, s, p);
                c.Equal($"outputSize(n: {n}, f: {f}, s: {s}, p: {p})", expected, actual, OutputSizeHint(n, f, s, p, actual));
            }
        });
    }

    // (n, f, s, p): the hand example, our conv and pool layers, strides that leave a remainder, padding.
    private static readonly (int N, int F, int S, int P)[] OutputSizeCases =
    [
        (3, 2, 1, 0), (28, 5, 1, 0), (24, 2, 2, 0), (5, 3, 2, 0),
        (6, 3, 2, 0), (7, 2, 2, 0), (3, 2, 1, 1), (5, 3, 1, 1),
        (28, 5, 1, 2), (7, 3, 3, 1), (8, 3, 2, 1), (4, 4, 1, 0), (1, 1, 1, 0),
    ];

    // Names the likely mistake by recomputing the answer each wrong formula would give. The padding mistakes come
    // first: with p = 0 they give the right answer, so they only match where padding is what went wrong.
    private static string OutputSizeHint(int n, int f, int s, int p, int actual)
    {
        int span = n + 2 * p - f;
        if (actual == (span + s - 1) / s + 1 || actual == (int)Math.Round((double)span / s) + 1)
            return "when s does not divide n + 2p − f the last window would stick out, so round down: ⌊(n + 2p − f) / s⌋ + 1 (C#'s integer division already floors for these non-negative numbers).";
        if (actual == (n + p - f) / s + 1)
            return "the padding goes on both sides, so the padded input is n + 2p wide.";
        if (actual == (n - f) / s + 1)
            return "the padding adds p zeros on each side: use n + 2p instead of n.";
        if (actual == span / s)
            return "count the first window too: the window starts at 0 and then takes ⌊(n + 2p − f) / s⌋ more steps, so add 1.";
        if (actual == (span + 1) / s || actual == (n + 2 * p - f + 1) / s + 1)
            return "only the steps after the first window are divided by s: ⌊(n + 2p − f) / s⌋ + 1.";
        return "out = ⌊(n + 2p − f) / s⌋ + 1: the padded input is n + 2p wide, the window needs f of it, and it moves s at a time.";
    }

    // Asymmetric kernels (a flip shows), rectangular inputs (swapped axes show) and the extreme kernel sizes.
    private static IEnumerable<(string Name, Tensor A, Tensor W)> Cases(Random random)
    {
        var a3 = Tensor.From(new float[,] { { 1, 0, 0 }, { 1, 2, 3 }, { 3, 4, 5 } });
        yield return ("3×3 input, asymmetric kernel [[1,2],[3,4]]", a3, Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } }));
        yield return ("4×6 input, 3×3 kernel", Small(random, 4, 6), Small(random, 3, 3));
        yield return ("7×5 input, 2×2 kernel", Small(random, 7, 5), Small(random, 2, 2));
        yield return ("28×28 input, 5×5 kernel (our conv layer)", Tensor.RandomUniform(random, 0f, 1f, 28, 28), Tensor.RandomNormal(random, 0.2f, 5, 5));
        yield return ("3×4 input, 1×1 kernel", Small(random, 3, 4), Small(random, 1, 1));
        yield return ("3×3 input, 3×3 kernel (a single window)", Small(random, 3, 3), Small(random, 3, 3));
    }

    // Small integers, so a failing case prints numbers a student can redo by hand.
    private static Tensor Small(Random random, int rows, int cols)
    {
        var t = new Tensor(rows, cols);
        for (int i = 0; i < t.Length; i++) t.Data[i] = random.Next(-3, 6);
        return t;
    }

    // The library's naive convolution on one image, one channel, no bias.
    private static Tensor Reference(Tensor a, Tensor w) =>
        Convolution.ForwardNaive(a.Reshape(1, 1, a.Dim(0), a.Dim(1)), w.Reshape(1, 1, w.Dim(0), w.Dim(1)), new Tensor(1))
            .Reshape(a.Dim(0) - w.Dim(0) + 1, a.Dim(1) - w.Dim(1) + 1);

    // Names the likely mistake: a wrong output size, a flipped (true convolution) kernel, or swapped kernel axes.
    private static string Diagnose(Tensor a, Tensor w, Tensor? actual)
    {
        if (actual is null) return "return the output tensor you filled.";
        int h = a.Dim(0), wd = a.Dim(1), f = w.Dim(0);
        if (actual.Rank != 2)
            return $"return a matrix (rank 2) of shape {h - f + 1}×{wd - f + 1}: new Tensor(H − f + 1, W − f + 1).";
        int rows = actual.Dim(0), cols = actual.Dim(1);
        if (rows != h - f + 1 || cols != wd - f + 1)
        {
            if (rows == wd - f + 1 && cols == h - f + 1)
                return "rows and columns are swapped: the output has H − f + 1 rows and W − f + 1 columns (a.Dim(0) is H, a.Dim(1) is W).";
            if (rows == h + f - 1 && cols == wd + f - 1)
                return "that is the size of a 'full' convolution; the valid output keeps only windows that fit inside a: (H − f + 1)×(W − f + 1).";
            if (rows == h && cols == wd)
                return "keeping the input size needs padding; with no padding only H − f + 1 by W − f + 1 windows fit.";
            if (rows == h - f && cols == wd - f)
                return "off by one: a window fits at positions 0 … H − f, which is H − f + 1 positions.";
            return "the output of a valid convolution with stride 1 is (H − f + 1)×(W − f + 1).";
        }
        if (ExerciseCheck.Agree(actual, Reference(a, Convolution.Rotate180(w))))
            return "you flipped the kernel: that is convolution as signal processing defines it. A CNN's layer computes the cross-correlation z[i, j] = Σ_u Σ_v a[i + u, j + v] · w[u, v], kernel as it is.";
        if (ExerciseCheck.Agree(actual, Reference(a, Transpose(w))))
            return "the kernel's axes are swapped: w[u, v] (row u, column v) multiplies a[i + u, j + v].";
        return "z[i, j] = Σ_u Σ_v a[i + u, j + v] · w[u, v], for u and v from 0 to f − 1; check the indices inside the window.";
    }

    private static Tensor Transpose(Tensor w)
    {
        var t = new Tensor(w.Dim(1), w.Dim(0));
        for (int i = 0; i < w.Dim(0); i++)
            for (int j = 0; j < w.Dim(1); j++)
                t[j, i] = w[i, j];
        return t;
    }
}
