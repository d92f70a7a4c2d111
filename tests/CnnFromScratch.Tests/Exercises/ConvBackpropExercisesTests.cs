using CnnFromScratch.Exercises;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

// The solutions below are the ones in notebooks/solutions/05-conv-backprop.csx; the wrong answers are the
// mistakes the checks must catch, each with the hint that names it.
public sealed class ConvBackpropExercisesTests
{
    [Fact]
    public void Conv_backward_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, ConvBackpropExercises.CheckConvBackward(WeightGradient, InputGradient).Status);

    [Fact]
    public void Conv_backward_rejects_an_input_gradient_that_forgets_to_rotate_the_kernel()
    {
        ExerciseAssert.Rejects(ConvBackpropExercises.CheckConvBackward(WeightGradient, InputGradientWithoutRotation),
            "∂J/∂a (3×3 input, 2×2 kernel (the hand example))", "forgot to rotate the kernel by 180°");
    }

    [Fact]
    public void Conv_backward_rejects_a_weight_gradient_with_input_and_delta_swapped()
    {
        ExerciseAssert.Rejects(ConvBackpropExercises.CheckConvBackward(WeightGradientSwapped, InputGradient),
            "∂J/∂W", "rotated by 180°");
    }

    [Fact]
    public void Conv_backward_rejects_a_weight_gradient_of_the_wrong_shape()
    {
        ExerciseAssert.Rejects(ConvBackpropExercises.CheckConvBackward((a, _) => new Tensor(a.Dim(0), a.Dim(1)), InputGradient),
            "expected shape");
    }

    [Fact]
    public void Conv_backward_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone,
            ConvBackpropExercises.CheckConvBackward((_, _) => throw new NotImplementedException(), (_, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Max_pool_backward_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, ConvBackpropExercises.CheckMaxPoolBackward(MaxPoolBackward).Status);

    [Fact]
    public void Max_pool_backward_rejects_spreading_the_gradient_evenly()
    {
        ExerciseAssert.Rejects(ConvBackpropExercises.CheckMaxPoolBackward(SpreadEvenly),
            "the 4×4 hand example", "average pooling");
    }

    [Fact]
    public void Max_pool_backward_rejects_routing_to_the_last_maximum_on_ties()
    {
        ExerciseAssert.Rejects(ConvBackpropExercises.CheckMaxPoolBackward((x, d, k) => MaxPoolBackwardTo(x, d, k, lastOnTie: true)),
            "ties", "first in reading order");
    }

    [Fact]
    public void Max_pool_backward_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, ConvBackpropExercises.CheckMaxPoolBackward((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void The_hand_example_routes_delta_to_the_argmax_of_each_window()
    {
        Tensor dx = MaxPoolBackward(ConvBackpropExercises.MaxPoolExampleInput(), Tensor.From(new float[,,,] { { { { 1, 2 }, { 8, 4 } } } }), 2);
        Assert.Equal(new float[] { 1, 0, 0, 0, 0, 0, 2, 0, 0, 8, 0, 0, 0, 0, 4, 0 }, dx.Data);
    }

    private static Tensor WeightGradient(Tensor a, Tensor delta)
    {
        int k = a.Dim(0) - delta.Dim(0) + 1;
        var dW = new Tensor(k, k);
        for (int p = 0; p < k; p++)
            for (int q = 0; q < k; q++)
                for (int i = 0; i < delta.Dim(0); i++)
                    for (int j = 0; j < delta.Dim(1); j++)
                        dW[p, q] += delta[i, j] * a[i + p, j + q];
        return dW;
    }

    // Input and δ swapped: δ's positions run backwards over the input, which gives the 180°-rotated gradient.
    private static Tensor WeightGradientSwapped(Tensor a, Tensor delta)
    {
        int k = a.Dim(0) - delta.Dim(0) + 1;
        var dW = new Tensor(k, k);
        for (int p = 0; p < k; p++)
            for (int q = 0; q < k; q++)
                for (int i = 0; i < delta.Dim(0); i++)
                    for (int j = 0; j < delta.Dim(1); j++)
                        dW[p, q] += delta[i, j] * a[i + (k - 1 - p), j + (k - 1 - q)];
        return dW;
    }

    private static Tensor InputGradient(Tensor delta, Tensor w) => PaddedCorrelate(delta, w, rotate: true);

    private static Tensor InputGradientWithoutRotation(Tensor delta, Tensor w) => PaddedCorrelate(delta, w, rotate: false);

    private static Tensor PaddedCorrelate(Tensor delta, Tensor w, bool rotate)
    {
        int k = w.Dim(0);
        var dA = new Tensor(delta.Dim(0) + k - 1, delta.Dim(1) + k - 1);
        for (int i = 0; i < dA.Dim(0); i++)
            for (int j = 0; j < dA.Dim(1); j++)
                for (int p = 0; p < k; p++)
                    for (int q = 0; q < k; q++)
                    {
                        int di = i + p - (k - 1), dj = j + q - (k - 1);
                        if (di >= 0 && di < delta.Dim(0) && dj >= 0 && dj < delta.Dim(1))
                            dA[i, j] += delta[di, dj] * (rotate ? w[k - 1 - p, k - 1 - q] : w[p, q]);
                    }
        return dA;
    }

    private static Tensor MaxPoolBackward(Tensor x, Tensor delta, int window) => MaxPoolBackwardTo(x, delta, window, lastOnTie: false);

    private static Tensor MaxPoolBackwardTo(Tensor x, Tensor delta, int window, bool lastOnTie)
    {
        var dX = new Tensor(x.Shape.ToArray());
        for (int n = 0; n < delta.Dim(0); n++)
            for (int c = 0; c < delta.Dim(1); c++)
                for (int i = 0; i < delta.Dim(2); i++)
                    for (int j = 0; j < delta.Dim(3); j++)
                    {
                        int bestRow = i * window, bestColumn = j * window;
                        for (int p = 0; p < window; p++)
                            for (int q = 0; q < window; q++)
                            {
                                float v = x[n, c, i * window + p, j * window + q], best = x[n, c, bestRow, bestColumn];
                                if (v > best || (lastOnTie && v == best))
                                    (bestRow, bestColumn) = (i * window + p, j * window + q);
                            }
                        dX[n, c, bestRow, bestColumn] += delta[n, c, i, j];
                    }
        return dX;
    }

    private static Tensor SpreadEvenly(Tensor x, Tensor delta, int window)
    {
        var dX = new Tensor(x.Shape.ToArray());
        for (int n = 0; n < delta.Dim(0); n++)
            for (int c = 0; c < delta.Dim(1); c++)
                for (int i = 0; i < delta.Dim(2); i++)
                    for (int j = 0; j < delta.Dim(3); j++)
                        for (int p = 0; p < window; p++)
                            for (int q = 0; q < window; q++)
                                dX[n, c, i * window + p, j * window + q] += delta[n, c, i, j] / (window * window);
        return dX;
    }
}
