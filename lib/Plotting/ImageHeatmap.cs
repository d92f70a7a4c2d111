using CnnFromScratch.Data;
using CnnFromScratch.Tensors;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>One image as a heatmap: hover over a pixel to read its row, column and value.</summary>
public static class ImageHeatmap
{
    /// <summary>A heatmap of an H×W (or 1×H×W) image tensor, dark ink on a white background.</summary>
    public static PlotlyChart Plot(Tensor image, string title = "Image")
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(image.Rank == 2 || (image.Rank == 3 && image.Dim(0) == 1)))
            throw new ArgumentException(
                $"A heatmap shows one grey image, H×W or 1×H×W, but got {Tensors.TensorShape.Format(image.Shape)}. " +
                "For a batch, pick one image first, e.g. data.Image(0).", nameof(image));
        int h = image.Dim(-2), w = image.Dim(-1);
        var rows = new float[h][];
        for (int r = 0; r < h; r++) rows[r] = image.Data.AsSpan(r * w, w).ToArray();
        var heatmap = new Heatmap { z = rows, colorscale = "Greys", showscale = true };
        int size = Math.Clamp(16 * Math.Max(h, w), 240, 520);
        return ChartLayout.Plot([heatmap], ChartLayout.ForImage(title, "column", "row", size + 80, size));
    }

    /// <summary>Image <paramref name="index"/> of <paramref name="data"/>, titled with its label.</summary>
    public static PlotlyChart Plot(LabeledImages data, int index)
    {
        ArgumentNullException.ThrowIfNull(data);
        var image = data.Image(index);
        if (image.Rank != 2)
            throw new ArgumentException($"{data.Name} has {data.ImageShape[0]} channels; a heatmap shows one grey image.", nameof(data));
        return Plot(image, $"{data.Name}, image {index}: label {data.ClassNames[data.Labels[index]]}");
    }
}
