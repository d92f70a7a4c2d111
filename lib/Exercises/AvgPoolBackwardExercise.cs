using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

public static partial class ConvBackpropExercises
{
    /// <summary>
    /// Checks an average-pooling backward pass for N×C×H×W inputs with square windows and stride = window.
    /// <paramref name="avgPoolBackward"/>(δ, inputShape, window) must return ∂J/∂x of shape <c>inputShape</c>, given
    /// δ = ∂J/∂output (N×C×Ho×Wo, Ho = ⌊H / window⌋). Compared with the library's <see cref="AvgPool2d"/>.
    /// </summary>
    public static ExerciseResult CheckAvgPoolBackward(Func<Tensor, int[], int, Tensor> avgPoolBackward)
    {
        ArgumentNullException.ThrowIfNull(avgPoolBackward);
        return ExerciseCheck.Run("avgpool-backward", c =>
        {
            var random = new Random(9);
            var cases = new (string Name, int[] Shape, int Window, Tensor Delta)[]
            {
                ("the 4×4 hand example, δ = [[1, 2], [8, 4]]", [1, 1, 4, 4], 2, Tensor.From(new float[,,,] { { { { 1, 2 }, { 8, 4 } } } })),
                ("N=2, C=3, 6×6, window 2", [2, 3, 6, 6], 2, Tensor.RandomNormal(random, 1f, 2, 3, 3, 3)),
                ("N=1, C=2, 5×7, window 2 (last row and column unused)", [1, 2, 5, 7], 2, Tensor.RandomNormal(random, 1f, 1, 2, 2, 3)),
                ("N=2, C=1, 6×6, window 3", [2, 1, 6, 6], 3, Tensor.RandomNormal(random, 1f, 2, 1, 2, 2)),
            };
            foreach (var (name, shape, window, delta) in cases)
            {
                var pool = new AvgPool2d(window, implementation: Implementation.Naive);
                pool.Forward(new Tensor(shape));
                Tensor expected = pool.Backward(delta.Clone()).Clone();
                Tensor? actual = avgPoolBackward(delta.Clone(), (int[])shape.Clone(), window);
                c.Close($"∂J/∂x ({name})", expected, actual, hint: AvgPoolHint(actual, expected, window));
            }
        });
    }

    private static string AvgPoolHint(Tensor? actual, Tensor expected, int window)
    {
        if (actual is null || !actual.SameShape(expected))
            return "∂J/∂x has the input's shape (the inputShape argument), not Ho·window × Wo·window: rows and columns that no window covers get 0.";
        if (ExerciseCheck.Agree(actual, expected * (window * window)))
            return "yours is window² times too large: you copied δ into every input of its window (the source's 'upsample' example does " +
                   "the same and forgets the ÷4). Each input counted 1/window² towards the average, so it receives δ/window².";
        if (ExerciseCheck.Agree(actual, expected * window))
            return "divide by the number of inputs in the window, window² (4 for a 2×2 window), not by window.";
        return "every input of window (i, j) receives δ[n, c, i, j] / window², whatever its value was; inputs outside every window get 0.";
    }
}
