using CnnFromScratch.Data;
using CnnFromScratch.Tensors;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// An image, a feature map or a kernel as a heatmap, row 0 at the top; hover over a pixel to read its row, column
/// and value. A map without negative values is drawn as dark ink on white paper; a map with negative values gets a
/// blue–white–red scale centred on 0 (blue negative, white 0, red positive), so the sign of a filter's response
/// reads at a glance.
/// </summary>
public static class ImageHeatmap
{
    /// <summary>A heatmap of one H×W map; <paramref name="map"/> may carry leading dimensions of size 1 (1×H×W, 1×1×H×W).</summary>
    public static PlotlyChart Plot(Tensor map, string title = "Image")
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        bool single = map.Rank >= 2;
        for (int d = 0; d < map.Rank - 2; d++) single &= map.Dim(d) == 1;
        if (!single)
            throw new ArgumentException(
                $"A heatmap shows one H×W map, but got {TensorShape.Format(map.Shape)}. " +
                "Pick one image first (e.g. data.Image(0)), or for a batch N×C×H×W call Plot(maps, sample, channel, title).",
                nameof(map));
        int h = map.Dim(-2), w = map.Dim(-1);
        var rows = new float[h][];
        for (int r = 0; r < h; r++) rows[r] = map.Data.AsSpan(r * w, w).ToArray();

        float min = map.Min(), max = map.Max();
        bool signed = min < 0;
        // Symmetric limits put 0 at the white middle of the diverging scale; a constant map still needs a non-empty range.
        double bound = Math.Max(Math.Max(-min, max), 1e-12);
        var heatmap = new Heatmap
        {
            z = rows,
            colorscale = signed ? ChartLayout.DivergingScale : ChartLayout.InkScale,
            zmin = signed ? -bound : 0,
            zmax = signed ? bound : Math.Max(max, 1e-12),
            showscale = true,
        };
        int size = Math.Clamp(16 * Math.Max(h, w), 240, 480);
        return ChartLayout.Plot([heatmap], ChartLayout.ForImage(title, "column j", "row i", size + 80, size));
    }

    /// <summary>Channel <paramref name="channel"/> of sample <paramref name="sample"/> of an N×C×H×W batch of maps.</summary>
    public static PlotlyChart Plot(Tensor maps, int sample, int channel, string title)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Rank != 4)
            throw new ArgumentException($"Expected a batch of maps N×C×H×W, but got {TensorShape.Format(maps.Shape)}.", nameof(maps));
        if ((uint)sample >= (uint)maps.Dim(0))
            throw new ArgumentOutOfRangeException(nameof(sample), sample, $"The batch has {maps.Dim(0)} samples (0..{maps.Dim(0) - 1}).");
        if ((uint)channel >= (uint)maps.Dim(1))
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"The maps have {maps.Dim(1)} channels (0..{maps.Dim(1) - 1}).");
        int h = maps.Dim(2), w = maps.Dim(3);
        var one = new Tensor(maps.Data.AsSpan((sample * maps.Dim(1) + channel) * h * w, h * w).ToArray(), h, w);
        return Plot(one, title);
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
