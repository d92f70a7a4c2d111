using CnnFromScratch.Gradients;
using CnnFromScratch.Data;
using CnnFromScratch.Layers;
using CnnFromScratch.Losses;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

/// <summary>Checks for the exercises of chapter 4 (backpropagation through the fully-connected layers).</summary>
public static class FcBackpropExercises
{
    /// <summary>The relative error (course definition) a numerical gradient may differ from the library's by.</summary>
    public const double NumericalGradientThreshold = 1e-4;

    /// <summary>
    /// Checks a Dense backward pass against the library's <see cref="Dense"/> on the hand example and several shapes.
    /// The student's function takes x (N×D), W (K×D), b (K) and δ = ∂J/∂z (N×K) and returns
    /// (∂J/∂x, ∂J/∂W, ∂J/∂b) with the shapes of x, W and b.
    /// </summary>
    public static ExerciseResult CheckDenseBackward(Func<Tensor, Tensor, Tensor, Tensor, (Tensor dx, Tensor dW, Tensor db)> denseBackward)
    {
        ArgumentNullException.ThrowIfNull(denseBackward);
        return ExerciseCheck.Run("dense-backward", c =>
        {
            // The example worked by hand in the notebook.
            Tensor x = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
            Tensor w = Tensor.From(new float[,] { { 1, 0, -1 }, { 0.5f, 1, 0 } });
            Tensor b = Tensor.Vector(0.1f, -0.2f);
            Tensor delta = Tensor.From(new float[,] { { 1, -1 }, { 2, 0 } });
            CheckCase(c, "hand example (N=2, D=3, K=2)", denseBackward, x, w, b, delta);

            var random = new Random(4);
            foreach ((int n, int d, int k) in new[] { (1, 4, 3), (5, 7, 2), (3, 60, 10), (4, 288, 60) })
            {
                CheckCase(c, $"N={n}, D={d}, K={k}", denseBackward,
                    Tensor.RandomNormal(random, 1f, n, d), Tensor.RandomNormal(random, 0.5f, k, d),
                    Tensor.RandomNormal(random, 0.5f, k), Tensor.RandomNormal(random, 1f, n, k));
            }
        });
    }

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

    /// <summary>
    /// Checks a central-difference numerical gradient, called as numericalGradient(f, x, ε), against
    /// <see cref="GradientChecker.NumericalGradient"/> on several functions (relative error at most
    /// <see cref="NumericalGradientThreshold"/>), and that it leaves x as it found it.
    /// </summary>
    public static ExerciseResult CheckNumericalGradient(Func<Func<double[], double>, double[], double, double[]> numericalGradient)
    {
        ArgumentNullException.ThrowIfNull(numericalGradient);
        return ExerciseCheck.Run("numerical-gradient", c =>
        {
            // Points are multiples of 1/8, exact in float32, so the library's float nudges start from the same x.
            var cases = new (string Name, Func<double[], double> F, double[] X, double Epsilon)[]
            {
                ("f(x) = x0² + 3·x0·x1 at (1, 2), gradient (8, 3) by hand", v => v[0] * v[0] + 3 * v[0] * v[1], [1, 2], 1e-3),
                ("f(x) = Σ x_i·sin(x_i)", v => v.Sum(t => t * Math.Sin(t)), [0.5, -1.25, 2, 0.125], 1e-3),
                ("f(x) = log Σ exp(x_i) (its gradient is the softmax)", v => Math.Log(v.Sum(Math.Exp)), [1, -0.5, 2.25, 0, -3], 1e-3),
                // Curved in x0 and x2 (a product x0·x1·x2 is linear in each x_i, so even a one-sided difference is exact there).
                ("f(x) = x0²·x1 + x2³ with a large ε = 0.01", v => v[0] * v[0] * v[1] + v[2] * v[2] * v[2], [1.5, -2, 0.75], 1e-2),
                ("f(x) = ½‖σ(x) − t‖², t = (1, 0, 1)", v => SigmoidSquaredError(v, [1, 0, 1]), [-2, 0.5, 1.375], 1e-3),
            };
            foreach (var (name, f, x, epsilon) in cases)
            {
                double[] studentX = (double[])x.Clone();
                double[] student = numericalGradient(f, studentX, epsilon);
                c.True(student is not null, $"{name}: your function returned null.", "return the array of partial derivatives.");
                c.True(studentX.SequenceEqual(x), $"{name}: your function changed x (now [{string.Join(", ", studentX)}]).",
                    "put x[i] back to its original value after evaluating f(x + ε) and f(x − ε).");
                c.Equal($"{name}: number of partial derivatives", x.Length, student!.Length, "one partial derivative per element of x.");

                var variable = new Tensor(x.Select(v => (float)v).ToArray(), x.Length);
                double[] reference = GradientChecker.NumericalGradient(
                    () => f(variable.Data.Select(v => (double)v).ToArray()), variable, epsilon);
                GradientCheckResult result = GradientChecker.Compare(name, student, reference, [x.Length], NumericalGradientThreshold);
                c.True(result.Passed, $"{name}: {result}.", NumericalGradientHint(student, reference));
            }
        });
    }

    private static double SigmoidSquaredError(double[] z, double[] t)
    {
        double j = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double a = 1 / (1 + Math.Exp(-z[i]));
            j += 0.5 * (a - t[i]) * (a - t[i]);
        }
        return j;
    }

    private static string NumericalGradientHint(double[] student, double[] reference)
    {
        double ratio = Ratio(student, reference);
        if (Math.Abs(ratio - 2) < 0.01) return "yours is twice too large: divide f(x + ε) − f(x − ε) by 2ε, not by ε.";
        if (Math.Abs(ratio - 0.5) < 0.005) return "yours is half the size: the two points x ± ε are 2ε apart, so divide by 2ε (not 4ε).";
        if (Math.Abs(ratio + 1) < 0.01) return "the sign is flipped: it is f(x + ε) − f(x − ε), not the other way round.";
        return "use the central difference (f(x + ε) − f(x − ε)) / 2ε for each element in turn, nudging only x[i] and restoring it; " +
               "a one-sided difference (f(x + ε) − f(x)) / ε is much less accurate.";
    }

    // The least-squares ratio student/reference, to recognise a constant-factor mistake.
    private static double Ratio(double[] student, double[] reference)
    {
        double dot = 0, norm = 0;
        for (int i = 0; i < reference.Length; i++) { dot += student[i] * reference[i]; norm += reference[i] * reference[i]; }
        return norm == 0 ? double.NaN : dot / norm;
    }

    private static void CheckCase(
        ExerciseCheck c, string name, Func<Tensor, Tensor, Tensor, Tensor, (Tensor dx, Tensor dW, Tensor db)> denseBackward,
        Tensor x, Tensor w, Tensor b, Tensor delta)
    {
        (Tensor dx, Tensor dW, Tensor db) expected = LibraryDenseBackward(x, w, b, delta);
        int n = x.Dim(0), d = x.Dim(1), k = w.Dim(0);

        // The student gets copies, so nothing they do can change the reference.
        (Tensor dx, Tensor dW, Tensor db) = denseBackward(x.Clone(), w.Clone(), b.Clone(), delta.Clone());

        c.True(dW is not null && db is not null && dx is not null, $"{name}: return all three gradients (dx, dW, db), none null.");
        c.True(!(dW!.HasShape(d, k) && d != k), $"{name}: ∂J/∂W has shape {d}×{k}, the transpose of W ({k}×{d}).",
            "∂J/∂W = δᵀx: (K×N)·(N×D) = K×D, the shape of W. You computed xᵀδ; swap the order.");
        c.True(!db!.HasShape(n, k), $"{name}: ∂J/∂b has shape {n}×{k}, one row per sample.",
            "sum δ over the batch: ∂J/∂b_k = Σₙ δ_nk, a vector of length K like b.");
        c.True(!dx!.HasShape(n, k) || d == k, $"{name}: ∂J/∂x has shape {n}×{k}, the shape of δ instead of x ({n}×{d}).",
            "∂J/∂x = δ·W: (N×K)·(K×D) = N×D. Multiply δ by W (not by Wᵀ), summing over the K outputs.");

        if (n > 1 && db.SameShape(expected.db))
        {
            c.True(!ExerciseCheck.Agree(db, new Tensor(delta.Data[..k], k)), $"{name}: ∂J/∂b equals the first row of δ only.",
                "the bias is used by every sample, so its gradient adds up all N rows of δ.");
            c.True(!ExerciseCheck.Agree(db, expected.db * (1f / n)), $"{name}: ∂J/∂b is the mean of δ's rows, not the sum.",
                "sum over the batch; the 1/N of the mean loss is already inside δ.");
        }
        if (n > 1 && dW.SameShape(expected.dW))
            c.True(!ExerciseCheck.Agree(dW, expected.dW * (1f / n)), $"{name}: ∂J/∂W is 1/N of the expected value.",
                "don't divide by N: δ = ∂J/∂z already carries the 1/N of the mean loss.");

        c.Close($"{name}: ∂J/∂W", expected.dW, dW, 1e-3f, "∂J/∂W_kd = Σₙ δ_nk · x_nd.");
        c.Close($"{name}: ∂J/∂b", expected.db, db, 1e-3f, "∂J/∂b_k = Σₙ δ_nk.");
        c.Close($"{name}: ∂J/∂x", expected.dx, dx, 1e-3f, "∂J/∂x_nd = Σ_k δ_nk · W_kd (δ times W, not Wᵀ).");
    }

    // The reference: the library's Dense with the same W and b.
    private static (Tensor dx, Tensor dW, Tensor db) LibraryDenseBackward(Tensor x, Tensor w, Tensor b, Tensor delta)
    {
        var dense = new Dense(x.Dim(1), w.Dim(0), new Random(0));
        dense.Weights.Value.CopyFrom(w);
        dense.Bias.Value.CopyFrom(b);
        dense.Forward(x);
        dense.Weights.ZeroGradient();
        dense.Bias.ZeroGradient();
        Tensor dx = dense.Backward(delta).Clone();
        return (dx, dense.Weights.Gradient.Clone(), dense.Bias.Gradient.Clone());
    }
}
