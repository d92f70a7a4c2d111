using CnnFromScratch.Data;
using CnnFromScratch.Exercises;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Exercises;

public sealed class DataExercisesTests
{
    private static readonly int[] SomeLabels = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4];

    // ---- one-hot ----

    [Fact]
    public void OneHot_check_accepts_the_solution() =>
        Assert.Equal(ExerciseStatus.Passed, DataExercises.CheckOneHot(OneHotSolution, SomeLabels).Status);

    [Fact]
    public void OneHot_check_reports_a_stub_as_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, DataExercises.CheckOneHot((_, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void OneHot_check_rejects_the_transposed_result_and_says_so()
    {
        ExerciseResult r = DataExercises.CheckOneHot((labels, k) =>
        {
            var y = new Tensor(k, labels.Length);
            for (int n = 0; n < labels.Length; n++) y[labels[n], n] = 1f;
            return y;
        });
        ExerciseAssert.Rejects(r, "K×N, the transpose");
    }

    [Fact]
    public void OneHot_check_rejects_one_based_columns_and_names_the_off_by_one()
    {
        // Labels thought of as 1..K: one column too many, and every 1 one column to the right.
        ExerciseResult wide = DataExercises.CheckOneHot((labels, k) =>
        {
            var y = new Tensor(labels.Length, k + 1);
            for (int n = 0; n < labels.Length; n++) y[n, labels[n] + 1] = 1f;
            return y;
        });
        ExerciseAssert.Rejects(wide, "exactly K = 10 columns");

        ExerciseResult shifted = DataExercises.CheckOneHot((labels, k) =>
        {
            var y = new Tensor(labels.Length, k);
            for (int n = 0; n < labels.Length; n++) y[n, (labels[n] + 1) % k] = 1f;
            return y;
        });
        ExerciseAssert.Rejects(shifted, "off-by-one");
    }

    [Fact]
    public void OneHot_check_rejects_a_row_that_stores_the_label_instead_of_a_one()
    {
        ExerciseResult r = DataExercises.CheckOneHot((labels, k) =>
        {
            var y = new Tensor(labels.Length, k);
            for (int n = 0; n < labels.Length; n++) y[n, labels[n]] = labels[n];
            return y;
        });
        ExerciseAssert.Rejects(r, "exactly one 1");
    }

    // ---- class means ----

    [Fact]
    public void ClassMeans_check_accepts_the_solution_on_the_bundled_sample() =>
        Assert.Equal(ExerciseStatus.Passed, DataExercises.CheckClassMeans(ClassMeansSolution, MnistSample.Load().Train).Status);

    [Fact]
    public void ClassMeans_check_reports_a_stub_as_not_done() =>
        Assert.Equal(ExerciseStatus.NotDone, DataExercises.CheckClassMeans((_, _, _) => throw new NotImplementedException(), Synthetic()).Status);

    [Fact]
    public void ClassMeans_check_rejects_sums_that_were_never_divided()
    {
        ExerciseAssert.Rejects(DataExercises.CheckClassMeans((x, labels, k) => ClassMeans(x, labels, k, (_, _) => 1.0), Synthetic()),
            "divide each class's sum by the number of images in that class");
    }

    [Fact]
    public void ClassMeans_check_rejects_dividing_by_the_total_count()
    {
        ExerciseAssert.Rejects(DataExercises.CheckClassMeans((x, labels, k) => ClassMeans(x, labels, k, (_, n) => n), Synthetic()),
            "not by the total number of images N");
    }

    [Fact]
    public void ClassMeans_check_rejects_averaging_each_image_over_its_pixels()
    {
        // The wrong axis: one mean brightness per image (N values) instead of one mean image per class.
        ExerciseResult r = DataExercises.CheckClassMeans((x, labels, k) =>
        {
            int n = x.Dim(0), size = x.Length / n;
            var m = new Tensor(n);
            for (int i = 0; i < n; i++) m[i] = x.Data.AsSpan(i * size, size).ToArray().Average();
            return m;
        }, Synthetic());
        ExerciseAssert.Rejects(r, "keep the pixel axes");
    }

    [Fact]
    public void ClassMeans_check_rejects_swapped_rows_and_columns()
    {
        ExerciseResult r = DataExercises.CheckClassMeans((x, labels, k) =>
        {
            var right = ClassMeansSolution(x, labels, k);
            int h = right.Dim(1), w = right.Dim(2);
            var swapped = new Tensor(k, w, h);
            for (int c = 0; c < k; c++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        swapped[c, j, i] = right[c, i, j];
            return swapped;
        }, Synthetic());
        ExerciseAssert.Rejects(r, "rows and columns are swapped");
    }

    // The notebook's solutions (notebooks/solutions/01-data.csx), repeated here.
    private static Tensor OneHotSolution(int[] labels, int K)
    {
        var Y = new Tensor(labels.Length, K);
        for (int n = 0; n < labels.Length; n++) Y[n, labels[n]] = 1f;
        return Y;
    }

    private static Tensor ClassMeansSolution(Tensor images, int[] labels, int K) => ClassMeans(images, labels, K, (count, _) => count);

    /// <summary>Sums each class's images, then divides class k by divisor(count_k, N).</summary>
    private static Tensor ClassMeans(Tensor images, int[] labels, int K, Func<int, int, double> divisor)
    {
        int N = images.Dim(0), H = images.Dim(2), W = images.Dim(3);
        var means = new Tensor(K, H, W);
        var counts = new int[K];
        for (int n = 0; n < N; n++)
        {
            counts[labels[n]]++;
            for (int h = 0; h < H; h++)
                for (int w = 0; w < W; w++)
                    means[labels[n], h, w] += images[n, 0, h, w];
        }
        for (int k = 0; k < K; k++)
            for (int h = 0; h < H; h++)
                for (int w = 0; w < W; w++)
                    means[k, h, w] = (float)(means[k, h, w] / divisor(counts[k], N));
        return means;
    }

    /// <summary>A small random dataset of 5×5 images with unequal classes, so the checks run fast.</summary>
    private static LabeledImages Synthetic()
    {
        var random = new Random(4);
        int[] labels = Enumerable.Range(0, 40).Select(i => i % 7 % 4).ToArray();
        return new LabeledImages(Tensor.RandomUniform(random, 0f, 1f, 40, 1, 5, 5), labels, ["a", "b", "c", "d"], "synthetic");
    }
}
