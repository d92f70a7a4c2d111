using CnnFromScratch.Exercises;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

// The solution is the one in notebooks/solutions/04-fc-backprop.csx; each wrong answer is a mistake the check must name.
public sealed class SoftmaxCrossEntropyGradientExerciseTests
{
    [Fact]
    public void Accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, FcBackpropExercises.CheckSoftmaxCrossEntropyGradient((z, y) => Gradient(z, y)).Status);

    [Fact]
    public void Reports_the_stub_as_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, FcBackpropExercises.CheckSoftmaxCrossEntropyGradient((_, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Rejects_forgetting_to_divide_by_N() =>
        AssertFails((z, y) => Gradient(z, y, divideBy: _ => 1), "N = 4, K = 3", "N times too large");

    [Fact]
    public void Rejects_dividing_by_the_number_of_classes() =>
        AssertFails((z, y) => Gradient(z, y, divideBy: t => t.Dim(1)), "hand example", "not by the number of classes");

    [Fact]
    public void Rejects_y_minus_y_hat() =>
        AssertFails((z, y) => Gradient(z, y) * -1f, "hand example", "sign is flipped");

    [Fact]
    public void Rejects_logits_minus_targets_without_the_softmax() =>
        AssertFails((z, y) => (z - y) * (1f / z.Dim(0)), "hand example", "softmax of z, not z itself");

    [Fact]
    public void Rejects_an_extra_softmax_derivative_factor() =>
        AssertFails((z, y) => Gradient(z, y, jacobianDiagonal: true), "hand example", "no σ′-like factor");

    [Fact]
    public void Rejects_the_naive_softmax_that_overflows() =>
        AssertFails((z, y) => Gradient(z, y, stable: false), "near 1000", "stable softmax");

    private static void AssertFails(Func<Tensor, Tensor, Tensor> attempt, string caseName, string hint)
    {
        ExerciseAssert.Rejects(FcBackpropExercises.CheckSoftmaxCrossEntropyGradient(attempt), caseName, hint);
    }

    // δ = (ŷ − y)/N, with switches for the plausible wrong answers.
    private static Tensor Gradient(Tensor z, Tensor y, Func<Tensor, int>? divideBy = null, bool jacobianDiagonal = false, bool stable = true)
    {
        int n = z.Dim(0), k = z.Dim(1);
        float scale = 1f / (divideBy ?? (t => t.Dim(0)))(z);
        var delta = new Tensor(n, k);
        for (int row = 0; row < n; row++)
        {
            float m = float.NegativeInfinity;
            for (int j = 0; j < k; j++) m = MathF.Max(m, z[row, j]);
            if (!stable) m = 0f;
            float sum = 0f;
            for (int j = 0; j < k; j++) sum += MathF.Exp(z[row, j] - m);
            for (int j = 0; j < k; j++)
            {
                float p = MathF.Exp(z[row, j] - m) / sum;
                delta[row, j] = (p - y[row, j]) * scale * (jacobianDiagonal ? p * (1 - p) : 1f);
            }
        }
        return delta;
    }
}
