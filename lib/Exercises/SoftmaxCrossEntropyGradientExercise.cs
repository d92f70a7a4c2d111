using CnnFromScratch.Data;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

// The check of chapter 4's softmax cross-entropy gradient δ = (ŷ − y)/N, and the hints that name its likely mistakes.
public static partial class FcBackpropExercises
{
    /// <summary>
    /// Checks the gradient of the mean softmax cross-entropy with respect to the logits, δ = (ŷ − y)/N, against
    /// <see cref="SoftmaxCrossEntropy"/>. The student's function takes the logits z (N×K) and one-hot targets y (N×K)
    /// and returns ∂J/∂z (N×K). Cases: the chapter's hand example, a batch of four, logits near 1000 (a naive softmax
    /// overflows there) and a batch of 32 with ten classes.
    /// </summary>
    public static ExerciseResult CheckSoftmaxCrossEntropyGradient(Func<Tensor, Tensor, Tensor> gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        return ExerciseCheck.Run("softmax-ce-gradient", c =>
        {
            var random = new Random(8);
            var cases = new (string Name, Tensor Z, int[] Labels)[]
            {
                ("the hand example z = (2, 1, 0.1), class 0", Tensor.From(new float[,] { { 2f, 1f, 0.1f } }), [0]),
                ("N = 4, K = 3", Tensor.RandomNormal(random, 2f, 4, 3), [2, 0, 1, 2]),
                ("N = 2 with logits near 1000", Tensor.From(new float[,] { { 1000f, 1001f, 1002f }, { 999f, 1003f, 1000f } }), [0, 1]),
                ("N = 32, K = 10", Tensor.RandomNormal(random, 3f, 32, 10), Enumerable.Range(0, 32).Select(i => (i * 7) % 10).ToArray()),
            };
            foreach (var (name, z, labels) in cases)
            {
                Tensor y = OneHot.Encode(labels, z.Dim(1));
                var loss = new SoftmaxCrossEntropy();
                loss.Forward(z, y);
                Tensor expected = loss.Backward().Clone();
                Tensor probabilities = loss.Probabilities.Clone();
                Tensor? actual = gradient(z.Clone(), y.Clone());
                c.True(actual is not null, $"{name}: your function returned null.", "return a new N×K tensor.");
                int bad = Array.FindIndex(actual!.Data, v => !float.IsFinite(v));
                c.True(bad < 0, $"{name}: your result holds {(bad < 0 ? 0 : actual.Data[bad])} at {(bad < 0 ? "" : TensorShape.FormatIndex(actual.Shape, bad))}.",
                    "compute ŷ with the stable softmax of chapter 3: subtract each row's maximum before exp.");
                c.Close(name, expected, actual, tolerance: 1e-4f, hint: SoftmaxGradientHint(actual, expected, probabilities, z, y));
            }
        });
    }

    // Names the usual mistakes by comparing the answer with what each of them would have given.
    private static string SoftmaxGradientHint(Tensor actual, Tensor expected, Tensor probabilities, Tensor z, Tensor y)
    {
        int n = z.Dim(0), k = z.Dim(1);
        if (!actual.SameShape(expected)) return "∂J/∂z has the shape of the logits, N×K: one row per sample, one column per class.";
        if (n > 1 && ExerciseCheck.Agree(actual, expected * n)) return "yours is N times too large: J is the mean over the batch, so divide ŷ − y by N.";
        if (ExerciseCheck.Agree(actual, expected * -1f)) return "the sign is flipped: it is ŷ − y (prediction minus truth), not y − ŷ.";
        if (n != k && ExerciseCheck.Agree(actual, expected * (n / (float)k))) return "divide by the batch size N (the number of rows), not by the number of classes K.";
        if (ExerciseCheck.Agree(actual, (z - y) * (1f / n)) || ExerciseCheck.Agree(actual, z - y))
            return "ŷ is the softmax of z, not z itself: ŷ_k = exp(z_k − m) / Σ_j exp(z_j − m), with m the row's maximum.";
        Tensor withJacobianDiagonal = (probabilities - y) * probabilities.Map(p => p * (1 - p)) * (1f / n);
        if (ExerciseCheck.Agree(actual, withJacobianDiagonal))
            return "there is no σ′-like factor ŷ(1 − ŷ): the 1/ŷ of the logarithm cancels the softmax's derivative, which leaves just (ŷ − y)/N.";
        return "δ_nk = (ŷ_nk − y_nk) / N with ŷ = softmax of row n of z.";
    }
}
