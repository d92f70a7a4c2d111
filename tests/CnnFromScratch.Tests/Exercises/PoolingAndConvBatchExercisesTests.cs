using CnnFromScratch.Exercises;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

// The solutions are the ones in notebooks/solutions/05-conv-backprop.csx; the wrong answers are the mistakes the checks
// must catch, each with the hint that names it.
public sealed class PoolingAndConvBatchExercisesTests
{
    // ---- average pooling backward ----

    [Fact]
    public void Avg_pool_backward_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, ConvBackpropExercises.CheckAvgPoolBackward((d, s, k) => AvgPoolBackward(d, s, k)).Status);

    [Fact]
    public void Avg_pool_backward_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, ConvBackpropExercises.CheckAvgPoolBackward((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Avg_pool_backward_rejects_the_sources_upsample_without_dividing_by_four()
    {
        ExerciseAssert.Rejects(ConvBackpropExercises.CheckAvgPoolBackward((d, s, k) => AvgPoolBackward(d, s, k, share: 1f)),
            "hand example", "forgets the ÷4");
    }

    [Fact]
    public void Avg_pool_backward_rejects_dividing_by_the_window_instead_of_its_area()
    {
        ExerciseAssert.Rejects(ConvBackpropExercises.CheckAvgPoolBackward((d, s, k) => AvgPoolBackward(d, s, k, share: 1f / k)),
            "not by window");
    }

    [Fact]
    public void Avg_pool_backward_rejects_an_output_that_drops_the_uncovered_rows()
    {
        ExerciseAssert.Rejects(ConvBackpropExercises.CheckAvgPoolBackward((d, s, k) =>
            AvgPoolBackward(d, [s[0], s[1], d.Dim(2) * k, d.Dim(3) * k], k)), "last row and column unused", "input's shape");
    }

    [Fact]
    public void Avg_pool_backward_rejects_routing_everything_to_one_input()
    {
        ExerciseResult r = ConvBackpropExercises.CheckAvgPoolBackward((d, s, k) =>
        {
            var dx = new Tensor(s);
            for (int n = 0; n < d.Dim(0); n++)
                for (int c = 0; c < d.Dim(1); c++)
                    for (int i = 0; i < d.Dim(2); i++)
                        for (int j = 0; j < d.Dim(3); j++) dx[n, c, i * k, j * k] = d[n, c, i, j];
            return dx;
        });
        ExerciseAssert.Rejects(r, "δ[n, c, i, j] / window²");
    }

    // ---- convolution backward: batch × channels, stride and padding ----

    [Fact]
    public void Conv_backward_batch_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, ConvBackpropExercises.CheckConvBackwardBatch((a, w, d, s, p) => ConvBackward(a, w, d, s, p)).Status);

    [Fact]
    public void Conv_backward_batch_stub_is_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, ConvBackpropExercises.CheckConvBackwardBatch((_, _, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Conv_backward_batch_rejects_ignoring_the_stride() =>
        AssertConvFails((a, w, d, s, p) => ConvBackward(a, w, d, 1, p), "stride 2", "one pixel at a time");

    [Fact]
    public void Conv_backward_batch_rejects_ignoring_the_padding_offset() =>
        AssertConvFails((a, w, d, s, p) => ConvBackward(a, w, d, s, 0), "padding 1", "padding offset");

    [Fact]
    public void Conv_backward_batch_rejects_a_weight_gradient_from_the_first_image_only() =>
        AssertConvFails((a, w, d, s, p) => ConvBackward(a, w, d, s, p, firstImageOnly: true), "∂J/∂W (N=2", "sum over n");

    [Fact]
    public void Conv_backward_batch_rejects_a_weight_gradient_averaged_over_the_batch() =>
        AssertConvFails((a, w, d, s, p) => ConvBackward(a, w, d, s, p, meanOverBatch: true), "∂J/∂W (N=2", "1/N of the answer");

    [Fact]
    public void Conv_backward_batch_rejects_a_rotated_kernel_in_the_scatter_form() =>
        AssertConvFails((a, w, d, s, p) => ConvBackward(a, w, d, s, p, rotate: true), "∂J/∂a (N=2", "you rotated the kernel");

    [Fact]
    public void Conv_backward_batch_rejects_an_input_gradient_from_one_filter_per_channel() =>
        AssertConvFails((a, w, d, s, p) => ConvBackward(a, w, d, s, p, oneFilterPerChannel: true), "∂J/∂a (N=2", "sum over all O filters");

    [Fact]
    public void Conv_backward_batch_rejects_a_bias_gradient_per_image()
    {
        ExerciseResult r = ConvBackpropExercises.CheckConvBackwardBatch((a, w, d, s, p) =>
        {
            var (dA, dW, _) = ConvBackward(a, w, d, s, p);
            var db = new Tensor(d.Dim(0), d.Dim(1));
            for (int n = 0; n < d.Dim(0); n++)
                for (int o = 0; o < d.Dim(1); o++)
                    for (int i = 0; i < d.Dim(2); i++)
                        for (int j = 0; j < d.Dim(3); j++) db[n, o] += d[n, o, i, j];
            return (dA, dW, db);
        });
        ExerciseAssert.Rejects(r, "one entry per filter");
    }

    private static void AssertConvFails(Func<Tensor, Tensor, Tensor, int, int, (Tensor, Tensor, Tensor)> attempt, string where, string hint)
    {
        ExerciseAssert.Rejects(ConvBackpropExercises.CheckConvBackwardBatch(attempt), where, hint);
    }

    private static Tensor AvgPoolBackward(Tensor delta, int[] inputShape, int window, float? share = null)
    {
        var dX = new Tensor(inputShape);
        float part = share ?? 1f / (window * window);
        for (int n = 0; n < delta.Dim(0); n++)
            for (int c = 0; c < delta.Dim(1); c++)
                for (int i = 0; i < delta.Dim(2); i++)
                    for (int j = 0; j < delta.Dim(3); j++)
                        for (int p = 0; p < window; p++)
                            for (int q = 0; q < window; q++)
                                dX[n, c, i * window + p, j * window + q] += delta[n, c, i, j] * part;
        return dX;
    }

    private static (Tensor dA, Tensor dW, Tensor db) ConvBackward(Tensor a, Tensor w, Tensor delta, int stride, int padding,
        bool firstImageOnly = false, bool meanOverBatch = false, bool rotate = false, bool oneFilterPerChannel = false)
    {
        int N = a.Dim(0), C = a.Dim(1), H = a.Dim(2), W = a.Dim(3), O = w.Dim(0), k = w.Dim(2);
        var dA = new Tensor(N, C, H, W);
        var dW = new Tensor(O, C, k, k);
        var db = new Tensor(O);
        for (int n = 0; n < N; n++)
            for (int o = 0; o < O; o++)
                for (int i = 0; i < delta.Dim(2); i++)
                    for (int j = 0; j < delta.Dim(3); j++)
                    {
                        float d = delta[n, o, i, j];
                        db[o] += d;
                        for (int c = 0; c < C; c++)
                            for (int p = 0; p < k; p++)
                                for (int q = 0; q < k; q++)
                                {
                                    int row = i * stride + p - padding, column = j * stride + q - padding;
                                    if (row < 0 || row >= H || column < 0 || column >= W) continue;
                                    if (!oneFilterPerChannel || o == c % O)
                                        dA[n, c, row, column] += d * (rotate ? w[o, c, k - 1 - p, k - 1 - q] : w[o, c, p, q]);
                                    if (!firstImageOnly || n == 0) dW[o, c, p, q] += d * a[n, c, row, column];
                                }
                    }
        return (dA, meanOverBatch ? dW * (1f / N) : dW, db);
    }
}
