using CnnFromScratch.Exercises;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

public sealed class PoolingSoftmaxExercisesTests
{
    // ---- max pooling forward ----

    [Fact]
    public void MaxPool_check_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, PoolingSoftmaxExercises.CheckMaxPoolForward(MaxPoolSolution).Status);

    [Fact]
    public void MaxPool_check_reports_a_stub_as_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, PoolingSoftmaxExercises.CheckMaxPoolForward((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void MaxPool_check_rejects_a_window_that_moves_by_window_instead_of_stride()
    {
        ExerciseAssert.Rejects(PoolingSoftmaxExercises.CheckMaxPoolForward((x, window, stride) => MaxPool(x, window, stride, stepByWindow: true)),
            "window 3 and stride 2");
    }

    [Fact]
    public void MaxPool_check_rejects_a_maximum_that_starts_at_zero()
    {
        ExerciseAssert.Rejects(PoolingSoftmaxExercises.CheckMaxPoolForward((x, window, stride) => MaxPool(x, window, stride, start: 0f)),
            "not at 0");
    }

    [Fact]
    public void MaxPool_check_rejects_average_pooling() =>
        Assert.Equal(ExerciseStatus.Failed,
            PoolingSoftmaxExercises.CheckMaxPoolForward((x, window, stride) => new AvgPool2d(window, stride).Forward(x)).Status);

    [Fact]
    public void MaxPool_check_rejects_the_m_over_k_output_size()
    {
        // The source article's m/k size: right for 4×4 and window 2, wrong once the stride differs from the window.
        ExerciseAssert.Rejects(PoolingSoftmaxExercises.CheckMaxPoolForward((x, window, stride) => MaxPool(x, window, stride, sizeByDivision: true)),
            "expected shape");
    }

    // ---- stable softmax ----

    [Fact]
    public void Softmax_check_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, PoolingSoftmaxExercises.CheckStableSoftmax(StableSoftmaxSolution).Status);

    [Fact]
    public void Softmax_check_reports_a_stub_as_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, PoolingSoftmaxExercises.CheckStableSoftmax(_ => throw new NotImplementedException()).Status);

    [Fact]
    public void Softmax_check_rejects_the_naive_formula_because_it_yields_NaN()
    {
        ExerciseAssert.Rejects(PoolingSoftmaxExercises.CheckStableSoftmax(z => Softmax(z, shift: Shift.None)),
            "[1000, 1001, 1002]", "NaN", "subtract each row's maximum");
    }

    [Fact]
    public void Softmax_check_rejects_subtracting_the_maximum_of_the_whole_batch()
    {
        ExerciseAssert.Rejects(PoolingSoftmaxExercises.CheckStableSoftmax(z => Softmax(z, shift: Shift.BatchMax)),
            "different scales");
    }

    [Fact]
    public void Softmax_check_rejects_normalising_over_the_whole_batch()
    {
        ExerciseAssert.Rejects(PoolingSoftmaxExercises.CheckStableSoftmax(z => Softmax(z, shift: Shift.RowMax, normaliseOverBatch: true)),
            "different scales");
    }

    [Theory]
    [InlineData(Shift.RowMin)]
    [InlineData(Shift.RowMean)]
    public void Softmax_check_rejects_subtracting_the_row_minimum_or_mean(Shift shift)
    {
        // Both pass the shifted copies of [1, 2, 3]; only a row spanning more than the exponent's range exposes them.
        ExerciseAssert.Rejects(PoolingSoftmaxExercises.CheckStableSoftmax(z => Softmax(z, shift)),
            "span 2000", "minimum or its mean");
    }

    [Fact]
    public void Softmax_check_rejects_the_row_minimum_even_when_computed_in_double()
    {
        ExerciseAssert.Rejects(PoolingSoftmaxExercises.CheckStableSoftmax(z => Softmax(z, Shift.RowMin, inDouble: true)),
            "span 2000");
    }

    // The notebook's solutions (notebooks/solutions/03-relu-pooling-softmax.csx), written out again here.
    private static Tensor MaxPoolSolution(Tensor x, int window, int stride)
    {
        int n = x.Dim(0), channels = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        int outH = ConvArithmetic.OutputSize(h, window, stride);
        int outW = ConvArithmetic.OutputSize(w, window, stride);
        var y = new Tensor(n, channels, outH, outW);
        for (int s = 0; s < n; s++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < outH; i++)
                    for (int j = 0; j < outW; j++)
                    {
                        float max = float.NegativeInfinity;
                        for (int p = 0; p < window; p++)
                            for (int q = 0; q < window; q++)
                                max = MathF.Max(max, x[s, c, i * stride + p, j * stride + q]);
                        y[s, c, i, j] = max;
                    }
        return y;
    }

    private static Tensor StableSoftmaxSolution(Tensor z)
    {
        int n = z.Dim(0), k = z.Dim(1);
        var yHat = new Tensor(n, k);
        for (int row = 0; row < n; row++)
        {
            float m = float.NegativeInfinity;
            for (int j = 0; j < k; j++) m = MathF.Max(m, z[row, j]);
            float sum = 0f;
            for (int j = 0; j < k; j++)
            {
                yHat[row, j] = MathF.Exp(z[row, j] - m);
                sum += yHat[row, j];
            }
            for (int j = 0; j < k; j++) yHat[row, j] /= sum;
        }
        return yHat;
    }

    // Plausible wrong answers, one switch each.
    private static Tensor MaxPool(Tensor x, int window, int stride, bool stepByWindow = false, float start = float.NegativeInfinity, bool sizeByDivision = false)
    {
        int step = stepByWindow ? window : stride;
        int n = x.Dim(0), channels = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        int outH = sizeByDivision ? h / window : ConvArithmetic.OutputSize(h, window, step);
        int outW = sizeByDivision ? w / window : ConvArithmetic.OutputSize(w, window, step);
        var y = new Tensor(n, channels, outH, outW);
        for (int s = 0; s < n; s++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < outH; i++)
                    for (int j = 0; j < outW; j++)
                    {
                        float max = start;
                        for (int p = 0; p < window; p++)
                            for (int q = 0; q < window; q++)
                                max = MathF.Max(max, x[s, c, i * step + p, j * step + q]);
                        y[s, c, i, j] = max;
                    }
        return y;
    }

    public enum Shift { None, RowMax, BatchMax, RowMin, RowMean }

    private static Tensor Softmax(Tensor z, Shift shift, bool normaliseOverBatch = false, bool inDouble = false)
    {
        int n = z.Dim(0), k = z.Dim(1);
        var yHat = new Tensor(n, k);
        float batchMax = z.Max();
        for (int row = 0; row < n; row++)
        {
            var values = Enumerable.Range(0, k).Select(j => z[row, j]).ToArray();
            float m = shift switch
            {
                Shift.BatchMax => batchMax,
                Shift.RowMax => values.Max(),
                Shift.RowMin => values.Min(),
                Shift.RowMean => values.Average(),
                _ => 0f,
            };
            if (inDouble)
            {
                // exp in double, normalised in double: wider range, the same overflow past about 709.
                double[] e = values.Select(v => Math.Exp(v - (double)m)).ToArray();
                double total = e.Sum();
                for (int j = 0; j < k; j++) yHat[row, j] = (float)(e[j] / total);
                continue;
            }
            for (int j = 0; j < k; j++) yHat[row, j] = MathF.Exp(z[row, j] - m);
        }
        if (inDouble) return yHat;
        if (normaliseOverBatch)
        {
            float total = (float)yHat.Sum();
            for (int i = 0; i < yHat.Length; i++) yHat.Data[i] /= total;
            return yHat;
        }
        for (int row = 0; row < n; row++)
        {
            float sum = 0f;
            for (int j = 0; j < k; j++) sum += yHat[row, j];
            for (int j = 0; j < k; j++) yHat[row, j] /= sum;
        }
        return yHat;
    }
}
