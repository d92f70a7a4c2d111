using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

// The check of chapter 05's max-pooling backward pass, and the hints that name its likely mistakes.
public static partial class ConvBackpropExercises
{
    /// <summary>
    /// Checks a max-pooling backward pass for N×C×H×W inputs with square windows and stride = window.
    /// <paramref name="maxPoolBackward"/>(x, δ, window) must return ∂J/∂x (the shape of x) given the forward input x
    /// and δ = ∂J/∂output (N×C×Ho×Wo, Ho = (H − window)/window + 1 rounded down).
    /// On a tie the gradient goes to the first maximum of the window in reading order (row by row), as in the library.
    /// </summary>
    public static ExerciseResult CheckMaxPoolBackward(Func<Tensor, Tensor, int, Tensor> maxPoolBackward) =>
        ExerciseCheck.Run("maxpool-backward", c =>
        {
            foreach (var (name, x, delta, window, tie) in PoolCases())
            {
                Tensor expected = ReferenceMaxPoolBackward(x, delta, window);
                Tensor? actual = maxPoolBackward(x.Clone(), delta.Clone(), window);
                string hint = actual is not null && actual.SameShape(expected) && ExerciseCheck.Agree(actual, SpreadEvenly(delta, x.Shape, window))
                    ? "you spread each gradient evenly over its window: that is average pooling's backward. In max pooling only the " +
                      "window's maximum reached the output, so it alone receives δ; the other inputs get 0."
                    : tie
                        ? "this window has a tie: several inputs share the maximum. Send the whole δ to one of them only — the first in " +
                          "reading order (row by row), the one the forward pass picked with a strict '>' comparison — not to every tied input or the last."
                        : "for each window, find the position of its largest input in x and add δ there; every other input gets 0. " +
                          "Inputs outside every window (when H or W is not a multiple of the window) get 0 too.";
                c.Close($"∂J/∂x ({name})", expected, actual, hint: hint);
            }
        });

    /// <summary>The chapter's 4×4 max-pooling example: each 2×2 window's maximum sits where δ = [[1, 2], [8, 4]] must go.</summary>
    public static Tensor MaxPoolExampleInput() => Tensor.From(new float[,,,]
    {
        { { { 7, 3, 1, 4 }, { 2, 5, 9, 6 }, { 1, 8, 3, 2 }, { 6, 4, 7, 5 } } },
    });

    private static IEnumerable<(string Name, Tensor X, Tensor Delta, int Window, bool Tie)> PoolCases()
    {
        yield return ("the 4×4 hand example", MaxPoolExampleInput(), Tensor.From(new float[,,,] { { { { 1, 2 }, { 8, 4 } } } }), 2, false);
        var random = new Random(7);
        yield return ("N=2, C=3, 6×6, window 2", Tensor.RandomNormal(random, 1f, 2, 3, 6, 6), Tensor.RandomNormal(random, 1f, 2, 3, 3, 3), 2, false);
        yield return ("N=1, C=2, 5×7, window 2 (last row and column unused)", Tensor.RandomNormal(random, 1f, 1, 2, 5, 7), Tensor.RandomNormal(random, 1f, 1, 2, 2, 3), 2, false);
        yield return ("N=2, C=1, 6×6, window 3", Tensor.RandomNormal(random, 1f, 2, 1, 6, 6), Tensor.RandomNormal(random, 1f, 2, 1, 2, 2), 3, false);
        // After a ReLU, windows full of zeros are common: a tie in every window.
        yield return ("ties: 1×1×4×4 with repeated maxima",
            Tensor.From(new float[,,,] { { { { 0, 0, 5, 1 }, { 0, 0, 5, 5 }, { 2, 3, 4, 4 }, { 3, 1, 4, 4 } } } }),
            Tensor.From(new float[,,,] { { { { 1, 2 }, { 3, 4 } } } }), 2, true);
    }

    private static Tensor ReferenceMaxPoolBackward(Tensor x, Tensor delta, int window)
    {
        var pool = new MaxPool2d(window, implementation: Implementation.Naive);
        pool.Forward(x.Clone());
        return pool.Backward(delta.Clone()).Clone();
    }

    // The average-pooling mistake: δ / window² on every input of the window.
    private static Tensor SpreadEvenly(Tensor delta, IReadOnlyList<int> inputShape, int window)
    {
        var result = new Tensor(inputShape.ToArray());
        float share = 1f / (window * window);
        for (int n = 0; n < delta.Dim(0); n++)
            for (int ch = 0; ch < delta.Dim(1); ch++)
                for (int i = 0; i < delta.Dim(2); i++)
                    for (int j = 0; j < delta.Dim(3); j++)
                        for (int p = 0; p < window; p++)
                            for (int q = 0; q < window; q++)
                                result[n, ch, i * window + p, j * window + q] += delta[n, ch, i, j] * share;
        return result;
    }
}
