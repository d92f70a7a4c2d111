using CnnFromScratch.Data;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Exercises;

// The check of chapter 01's mean image of each class, and the hints that name its likely mistakes.
public static partial class DataExercises
{
    /// <summary>
    /// Checks <paramref name="classMeans"/>(images N×1×H×W, labels, K) → K×H×W, the mean image of each class
    /// (pixel by pixel, over the images of that class), against a reference computed here in double precision:
    /// a 2×2 example by hand, non-square images (so swapped axes show), unequal class sizes, and the images of
    /// <paramref name="data"/>. Prints ✅/⏳/❌ and never throws.
    /// </summary>
    public static ExerciseResult CheckClassMeans(Func<Tensor, int[], int, Tensor> classMeans, LabeledImages data)
    {
        ArgumentNullException.ThrowIfNull(classMeans);
        ArgumentNullException.ThrowIfNull(data);
        return ExerciseCheck.Run("class-means", c =>
        {
            // By hand: class 0 = mean of [[0,1],[2,3]] and [[2,3],[4,5]] = [[1,2],[3,4]]; class 1 = [[8,8],[8,8]] alone.
            var hand = new Tensor([0f, 1f, 2f, 3f, 8f, 8f, 8f, 8f, 2f, 3f, 4f, 5f], 3, 1, 2, 2);
            Compare(c, classMeans, hand, [0, 1, 0], 2, "three 2×2 images, labels [0, 1, 0], K = 2");

            // Non-square 3×2 images and classes of 1, 2 and 3 images: an axis mix-up or a wrong divisor shows here.
            var random = new Random(11);
            var small = Tensor.RandomUniform(random, 0f, 1f, 6, 1, 3, 2);
            Compare(c, classMeans, small, [2, 1, 2, 0, 1, 2], 3, "six 3×2 images, labels [2, 1, 2, 0, 1, 2], K = 3");

            Compare(c, classMeans, data.Images, data.Labels, data.ClassCount, $"{data.Name} ({data.Count} images)");
        });
    }

    private static void Compare(ExerciseCheck c, Func<Tensor, int[], int, Tensor> classMeans, Tensor images, int[] labels, int classes, string what)
    {
        var (expected, counts) = Reference(images, labels, classes);
        var actual = classMeans(images.Clone(), (int[])labels.Clone(), classes);
        c.Close(what, expected, actual, tolerance: 1e-4f, hint: MeansHint(expected, actual, counts, labels.Length));
    }

    /// <summary>Mean image of each class, summed in double: mean_k[h, w] = (1 / count_k) Σ_{n: label n = k} x[n, 0, h, w].</summary>
    private static (Tensor Means, int[] Counts) Reference(Tensor images, int[] labels, int classes)
    {
        int h = images.Dim(2), w = images.Dim(3), size = h * w;
        var sums = new double[classes * size];
        var counts = new int[classes];
        for (int n = 0; n < labels.Length; n++)
        {
            int k = labels[n];
            counts[k]++;
            for (int p = 0; p < size; p++) sums[k * size + p] += images.Data[n * size + p];
        }
        var means = new Tensor(classes, h, w);
        for (int i = 0; i < sums.Length; i++)
        {
            int count = counts[i / size];
            means.Data[i] = count == 0 ? 0f : (float)(sums[i] / count);
        }
        return (means, counts);
    }

    private static string MeansHint(Tensor expected, Tensor? actual, int[] counts, int total)
    {
        if (actual is null) return "";
        int classes = expected.Dim(0), h = expected.Dim(1), w = expected.Dim(2);
        if (!actual.SameShape(expected))
        {
            if (actual.HasShape(classes, w, h))
                return "rows and columns are swapped: mean[k, h, w] averages pixel [h, w] (row h, column w) of the class's images.";
            if (actual.HasShape(classes, 1, h, w))
                return "drop the channel axis: the result is K×H×W, e.g. new Tensor(K, H, W).";
            return "average over the images of one class and keep the pixel axes: the result is K×H×W, one H×W image per class " +
                   "(not one number per class, nor one mean per image).";
        }
        if (ExerciseCheck.Agree(actual, PerClass(expected, k => counts[k])))
            return "these are the sums of each class's images: divide each class's sum by the number of images in that class.";
        if (ExerciseCheck.Agree(actual, PerClass(expected, k => counts[k] / (double)total)))
            return "divide by the number of images in each class (count_k), not by the total number of images N.";
        if (ExerciseCheck.Agree(actual, PerClass(expected, k => counts[k] / (double)Math.Max(1, total / classes))))
            return "divide by each class's own count: classes have different sizes, so N / K is not the count of every class.";
        if (h == w && ExerciseCheck.Agree(actual, Transposed(expected)))
            return "rows and columns are swapped: mean[k, h, w] averages pixel [h, w] (row h, column w), not [w, h].";
        return "for each image n, add its pixels into mean[labels[n]]; then divide each class's image by that class's count.";
    }

    /// <summary>expected with class k's image multiplied by factor(k): the answer with a wrong divisor.</summary>
    private static Tensor PerClass(Tensor expected, Func<int, double> factor)
    {
        Tensor scaled = expected.Clone();
        int size = expected.Length / expected.Dim(0);
        for (int i = 0; i < scaled.Length; i++) scaled.Data[i] = (float)(scaled.Data[i] * factor(i / size));
        return scaled;
    }

    /// <summary>Each class's image with rows and columns swapped: t[k, i, j] = expected[k, j, i].</summary>
    private static Tensor Transposed(Tensor expected)
    {
        int classes = expected.Dim(0), h = expected.Dim(1), w = expected.Dim(2);
        var t = new Tensor(classes, w, h);
        for (int k = 0; k < classes; k++)
            for (int i = 0; i < w; i++)
                for (int j = 0; j < h; j++) t[k, i, j] = expected[k, j, i];
        return t;
    }
}
