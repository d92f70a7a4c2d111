using CnnFromScratch.Exercises;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

public sealed class FcBackpropExercisesTests
{
    // The solution in notebooks/solutions/04-fc-backprop.csx.
    private static (Tensor dx, Tensor dW, Tensor db) DenseBackward(Tensor x, Tensor W, Tensor b, Tensor delta)
    {
        int N = x.Dim(0), D = x.Dim(1), K = W.Dim(0);
        var dx = new Tensor(N, D);
        var dW = new Tensor(K, D);
        var db = new Tensor(K);
        for (int n = 0; n < N; n++)
            for (int k = 0; k < K; k++)
            {
                float d = delta[n, k];
                db[k] += d;
                for (int j = 0; j < D; j++)
                {
                    dW[k, j] += d * x[n, j];
                    dx[n, j] += d * W[k, j];
                }
            }
        return (dx, dW, db);
    }

    private static double[] NumericalGradient(Func<double[], double> f, double[] x, double epsilon)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double original = x[i];
            x[i] = original + epsilon;
            double plus = f(x);
            x[i] = original - epsilon;
            double minus = f(x);
            x[i] = original;
            gradient[i] = (plus - minus) / (2 * epsilon);
        }
        return gradient;
    }

    [Fact]
    public void Dense_backward_check_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, FcBackpropExercises.CheckDenseBackward(DenseBackward).Status);

    [Fact]
    public void Dense_backward_check_reports_a_stub_as_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, FcBackpropExercises.CheckDenseBackward((_, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Dense_backward_check_rejects_a_transposed_weight_gradient()
    {
        ExerciseResult r = FcBackpropExercises.CheckDenseBackward((x, W, b, delta) =>
        {
            var (dx, dW, db) = DenseBackward(x, W, b, delta);
            return (dx, Transpose(dW), db);
        });
        ExerciseAssert.Rejects(r, "transpose");
    }

    [Fact]
    public void Dense_backward_check_rejects_a_bias_gradient_not_summed_over_the_batch()
    {
        ExerciseAssert.Rejects(FcBackpropExercises.CheckDenseBackward((x, W, b, delta) => (DenseBackward(x, W, b, delta).dx, DenseBackward(x, W, b, delta).dW, delta)),
            "sum δ over the batch");
    }

    [Fact]
    public void Dense_backward_check_rejects_a_bias_gradient_averaged_instead_of_summed()
    {
        ExerciseResult r = FcBackpropExercises.CheckDenseBackward((x, W, b, delta) =>
        {
            var (dx, dW, db) = DenseBackward(x, W, b, delta);
            return (dx, dW, db * (1f / x.Dim(0)));
        });
        ExerciseAssert.Rejects(r, "mean of δ's rows");
    }

    [Fact]
    public void Dense_backward_check_rejects_an_input_gradient_that_uses_the_wrong_weights()
    {
        // A plausible slip: ∂J/∂x with every weight taken from the first input column.
        ExerciseResult r = FcBackpropExercises.CheckDenseBackward((x, W, b, delta) =>
        {
            var (dx, dW, db) = DenseBackward(x, W, b, delta);
            var wrong = new Tensor(x.Dim(0), x.Dim(1));
            for (int n = 0; n < x.Dim(0); n++)
                for (int j = 0; j < x.Dim(1); j++)
                    for (int k = 0; k < W.Dim(0); k++) wrong[n, j] += delta[n, k] * W[k, 0];
            return (wrong, dW, db);
        });
        ExerciseAssert.Rejects(r, "∂J/∂x");
    }

    [Fact]
    public void Numerical_gradient_check_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, FcBackpropExercises.CheckNumericalGradient(NumericalGradient).Status);

    [Fact]
    public void Numerical_gradient_check_reports_a_stub_as_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, FcBackpropExercises.CheckNumericalGradient((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Numerical_gradient_check_rejects_dividing_by_epsilon_instead_of_two_epsilon()
    {
        ExerciseAssert.Rejects(FcBackpropExercises.CheckNumericalGradient((f, x, e) => NumericalGradient(f, x, e).Select(g => 2 * g).ToArray()),
            "divide f(x + ε) − f(x − ε) by 2ε");
    }

    [Fact]
    public void Numerical_gradient_check_rejects_a_one_sided_difference()
    {
        ExerciseAssert.Rejects(FcBackpropExercises.CheckNumericalGradient(OneSidedDifference), "central difference");
    }

    [Fact]
    public void Numerical_gradient_check_catches_a_one_sided_difference_on_the_large_epsilon_case_alone()
    {
        // Central differences everywhere except where ε = 0.01: the chapter says that case shows the one-sided error.
        ExerciseAssert.Rejects(FcBackpropExercises.CheckNumericalGradient((f, x, e) =>
            e < 1e-2 ? NumericalGradient(f, x, e) : OneSidedDifference(f, x, e)), "large ε = 0.01");
    }

    [Fact]
    public void Numerical_gradient_check_rejects_a_gradient_that_leaves_x_nudged()
    {
        ExerciseResult r = FcBackpropExercises.CheckNumericalGradient((f, x, e) =>
        {
            var g = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] += e;
                double plus = f(x);
                x[i] -= 2 * e;
                g[i] = (plus - f(x)) / (2 * e); // forgets to put x[i] back
            }
            return g;
        });
        ExerciseAssert.Rejects(r, "changed x");
    }

    private static Tensor Transpose(Tensor m)
    {
        var t = new Tensor(m.Dim(1), m.Dim(0));
        for (int i = 0; i < m.Dim(0); i++)
            for (int j = 0; j < m.Dim(1); j++) t[j, i] = m[i, j];
        return t;
    }

    /// <summary>The plausible wrong answer: (f(x + ε) − f(x)) / ε, a one-sided difference.</summary>
    private static double[] OneSidedDifference(Func<double[], double> f, double[] x, double e)
    {
        double f0 = f(x);
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double original = x[i];
            x[i] = original + e;
            g[i] = (f(x) - f0) / e;
            x[i] = original;
        }
        return g;
    }
}
