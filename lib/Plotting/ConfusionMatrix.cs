using System.Globalization;
using CnnFromScratch.Data;
using Microsoft.Data.Analysis;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// Which classes a classifier confuses: entry [t, p] counts the images of true class t that it predicted as p.
/// The diagonal holds the correct answers; every other entry is a confusion. Shown as a table
/// (<see cref="ToDataFrame"/>) and as a heatmap with the counts written in the cells (<see cref="Plot"/>).
/// </summary>
public sealed class ConfusionMatrix
{
    // White for 0, rising quickly to light blue so that the few-count confusions off the diagonal are visible
    // next to a diagonal of hundreds, then to dark blue at the largest count.
    private static readonly object[][] CountScale =
        [[0.0, "rgb(255,255,255)"], [0.05, "rgb(198,219,239)"], [1.0, "rgb(8,48,107)"]];

    private readonly int[,] _counts;

    /// <summary>
    /// Counts every (true, predicted) pair of <paramref name="trueLabels"/> and <paramref name="predictedLabels"/>,
    /// for the classes named by <paramref name="classNames"/> (labels are indices 0 … K − 1 into it).
    /// </summary>
    public ConfusionMatrix(IReadOnlyList<int> trueLabels, IReadOnlyList<int> predictedLabels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(trueLabels);
        ArgumentNullException.ThrowIfNull(predictedLabels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0) throw new ArgumentException("Name at least one class.", nameof(classNames));
        if (trueLabels.Count != predictedLabels.Count)
            throw new ArgumentException(
                $"Got {trueLabels.Count} true labels but {predictedLabels.Count} predictions; pass one prediction per image.",
                nameof(predictedLabels));
        int k = classNames.Count;
        _counts = new int[k, k];
        for (int i = 0; i < trueLabels.Count; i++)
        {
            int t = trueLabels[i], p = predictedLabels[i];
            if ((uint)t >= (uint)k || (uint)p >= (uint)k)
                throw new ArgumentOutOfRangeException(nameof(trueLabels),
                    $"Image {i} has true label {t} and prediction {p}, but the classes are 0 … {k - 1}.");
            _counts[t, p]++;
        }
        ClassNames = classNames.ToArray();
        Total = trueLabels.Count;
    }

    /// <summary>The confusion matrix of <paramref name="predictions"/> (one per image) on <paramref name="data"/>.</summary>
    public static ConfusionMatrix Of(LabeledImages data, IReadOnlyList<int> predictions)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new ConfusionMatrix(data.Labels, predictions, data.ClassNames);
    }

    /// <summary>The class names, in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of classes K.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>The number of images counted.</summary>
    public int Total { get; }

    /// <summary>How many images of true class <paramref name="trueClass"/> were predicted as <paramref name="predictedClass"/>.</summary>
    public int this[int trueClass, int predictedClass] => _counts[trueClass, predictedClass];

    /// <summary>The fraction of images on the diagonal (predicted as their true class).</summary>
    public double Accuracy => Total == 0 ? double.NaN : Enumerable.Range(0, ClassCount).Sum(c => _counts[c, c]) / (double)Total;

    /// <summary>The fraction of the images of <paramref name="trueClass"/> that were predicted correctly (NaN if it has none).</summary>
    public double Recall(int trueClass)
    {
        int row = Enumerable.Range(0, ClassCount).Sum(p => _counts[trueClass, p]);
        return row == 0 ? double.NaN : _counts[trueClass, trueClass] / (double)row;
    }

    /// <summary>
    /// The matrix as a table: one row per true class (column "true"), one column of counts per predicted class
    /// (named "→" and the class), and the row's recall, the fraction of that class predicted correctly.
    /// </summary>
    public DataFrame ToDataFrame()
    {
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn("true", ClassNames) };
        for (int p = 0; p < ClassCount; p++)
        {
            int predicted = p;
            columns.Add(new Int32DataFrameColumn($"→{ClassNames[p]}", Enumerable.Range(0, ClassCount).Select(t => _counts[t, predicted])));
        }
        columns.Add(new DoubleDataFrameColumn("recall", Enumerable.Range(0, ClassCount).Select(t => Math.Round(Recall(t), 3))));
        return new DataFrame(columns);
    }

    /// <summary>
    /// A heatmap of the counts, true class down (first class at the top), predicted class across, each count written
    /// in its cell. The title defaults to the number of images and the accuracy.
    /// </summary>
    public PlotlyChart Plot(string? title = null)
    {
        int k = ClassCount;
        var z = new double[k][];
        for (int t = 0; t < k; t++)
        {
            z[t] = new double[k];
            for (int p = 0; p < k; p++) z[t][p] = _counts[t, p];
        }
        int max = Math.Max(1, z.Max(row => (int)row.Max()));
        var annotations = new List<Annotation>();
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++)
                annotations.Add(new Annotation
                {
                    x = ClassNames[p], y = ClassNames[t], text = _counts[t, p].ToString(CultureInfo.InvariantCulture), showarrow = false,
                    // Light text on the dark cells, grey for the zeros so the confusions stand out.
                    font = new Font { size = 11, color = _counts[t, p] > max / 2 ? "white" : _counts[t, p] == 0 ? "rgb(190,190,190)" : "black" },
                });
        var heatmap = new Heatmap
        {
            z = z, x = ClassNames.ToArray(), y = ClassNames.ToArray(),
            colorscale = CountScale, zmin = 0, zmax = max, colorbar = new Colorbar { title = "images" },
        };
        var layout = ChartLayout.ForImage(
            title ?? string.Create(CultureInfo.InvariantCulture, $"Confusion matrix: {Total} images, accuracy {Accuracy:P1}"),
            "predicted", "true", 40 * k + 220, 40 * k + 160);
        layout.xaxis = new Xaxis { title = "predicted", type = "category", side = "bottom" };
        layout.yaxis = new Yaxis { title = "true", type = "category", autorange = "reversed" };
        layout.annotations = annotations.ToArray();
        return ChartLayout.Plot([heatmap], layout);
    }
}
