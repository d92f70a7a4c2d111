using Microsoft.Data.Analysis;

namespace CnnFromScratch.Data;

/// <summary>Tables that describe datasets, as Microsoft.Data.Analysis DataFrames (a notebook displays them as HTML tables).</summary>
public static class DatasetSummary
{
    /// <summary>One row per class: its index, its name, and how many images each dataset has of it (one column per dataset).</summary>
    public static DataFrame ClassCounts(params LabeledImages[] datasets)
    {
        RequireSameClasses(datasets);
        var names = datasets[0].ClassNames;
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("class", Enumerable.Range(0, names.Count)),
            new StringDataFrameColumn("name", names),
        };
        foreach (var d in datasets)
            columns.Add(new Int32DataFrameColumn(UniqueName(d.Name, columns), d.ClassCounts()));
        return new DataFrame(columns);
    }

    /// <summary>
    /// One row per dataset: number of images, image shape, and pixel statistics over all pixels (mean, standard deviation,
    /// minimum, maximum, and the fraction that are exactly 0, i.e. background).
    /// </summary>
    public static DataFrame PixelStatistics(params LabeledImages[] datasets)
    {
        RequireSameClasses(datasets, sameClasses: false);
        var mean = new List<double>();
        var std = new List<double>();
        var min = new List<double>();
        var max = new List<double>();
        var zeros = new List<double>();
        foreach (var d in datasets)
        {
            var pixels = d.Images.Data;
            double sum = 0, sumSquares = 0;
            long zeroCount = 0;
            foreach (float v in pixels)
            {
                sum += v;
                sumSquares += (double)v * v;
                if (v == 0) zeroCount++;
            }
            int n = Math.Max(1, pixels.Length);
            double m = sum / n;
            mean.Add(m);
            std.Add(Math.Sqrt(Math.Max(0, sumSquares / n - m * m)));   // σ² = E[x²] − E[x]², accumulated in double
            min.Add(pixels.Length == 0 ? double.NaN : pixels.Min());
            max.Add(pixels.Length == 0 ? double.NaN : pixels.Max());
            zeros.Add(zeroCount / (double)n);
        }
        return new DataFrame(
            new StringDataFrameColumn("dataset", datasets.Select(d => d.Name)),
            new Int32DataFrameColumn("images", datasets.Select(d => d.Count)),
            new StringDataFrameColumn("image shape", datasets.Select(d => Tensors.TensorShape.Format(d.ImageShape))),
            new DoubleDataFrameColumn("mean", mean),
            new DoubleDataFrameColumn("std", std),
            new DoubleDataFrameColumn("min", min),
            new DoubleDataFrameColumn("max", max),
            new DoubleDataFrameColumn("fraction zero", zeros));
    }

    private static void RequireSameClasses(LabeledImages[] datasets, bool sameClasses = true)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        if (datasets.Length == 0) throw new ArgumentException("Pass at least one dataset.", nameof(datasets));
        if (sameClasses)
            foreach (var d in datasets)
                if (!d.ClassNames.SequenceEqual(datasets[0].ClassNames))
                    throw new ArgumentException($"{d.Name} has other classes than {datasets[0].Name}; compare datasets of the same classes.", nameof(datasets));
    }

    private static string UniqueName(string name, List<DataFrameColumn> columns)
    {
        string unique = name;
        for (int k = 2; columns.Any(c => c.Name == unique); k++) unique = $"{name} ({k})";
        return unique;
    }
}
