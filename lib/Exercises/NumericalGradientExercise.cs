using CnnFromScratch.Gradients;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

// The check of chapter 4's central-difference numerical gradient, and the hints that name its likely mistakes.
public static partial class FcBackpropExercises
{
    /// <summary>The relative error (course definition) a numerical gradient may differ from the library's by.</summary>
    public const double NumericalGradientThreshold = 1e-4;

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
}
