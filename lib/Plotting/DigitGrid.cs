using CnnFromScratch.Data;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// A grid of images with their labels written above each one (and the network's prediction, when given):
/// the first look at a dataset, and later at a network's mistakes.
/// </summary>
public static class DigitGrid
{
    /// <summary>
    /// The first <paramref name="count"/> images of <paramref name="data"/> (or those at <paramref name="indices"/>),
    /// <paramref name="columns"/> per row. With <paramref name="predictions"/> (one per image of
    /// <paramref name="data"/>), each caption reads "label → prediction" and wrong ones are marked ✗.
    /// </summary>
    public static PlotlyChart Plot(LabeledImages data, int count = 20, int columns = 10,
                                   IReadOnlyList<int>? indices = null, IReadOnlyList<int>? predictions = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ImageShape[0] != 1)
            throw new ArgumentException($"{data.Name} has {data.ImageShape[0]} channels; the grid shows grey images.", nameof(data));
        if (predictions is not null && predictions.Count != data.Count)
            throw new ArgumentException($"Got {predictions.Count} predictions for {data.Count} images; pass one per image.", nameof(predictions));
        var shown = indices ?? Enumerable.Range(0, Math.Min(count, data.Count)).ToArray();
        if (shown.Count == 0) throw new ArgumentException($"Nothing to show: {data.Name} has no images, or no indices were given.");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Use at least one column.");

        // One grey picture holding all tiles (ink dark on white, white gaps), each caption an annotation above its tile.
        int h = data.ImageShape[1], w = data.ImageShape[2];
        int cols = Math.Min(columns, shown.Count), rows = (shown.Count + cols - 1) / cols;
        const int gap = 1, captionRows = 6;
        int tileH = h + captionRows, tileW = w + gap;
        int width = cols * tileW, height = rows * tileH;
        var grey = new byte[width * height];
        Array.Fill(grey, (byte)255);
        var annotations = new List<Annotation>();
        for (int k = 0; k < shown.Count; k++)
        {
            int n = shown[k];
            var image = data.Image(n);
            int top = (k / cols) * tileH + captionRows, left = (k % cols) * tileW;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    grey[(top + y) * width + left + x] = (byte)Math.Round(255 * (1 - Math.Clamp(image.Data[y * w + x], 0f, 1f)));
            string label = data.ClassNames[data.Labels[n]];
            string caption = predictions is null ? label
                : $"{label} → {data.ClassNames[predictions[n]]}{(predictions[n] == data.Labels[n] ? "" : " ✗")}";
            annotations.Add(new Annotation
            {
                x = left + (w - 1) / 2.0, y = top - captionRows / 2.0, text = caption, showarrow = false,
            });
        }

        var picture = new ImageTrace { source = "data:image/png;base64," + Convert.ToBase64String(Static.PngWriter.Grey(grey, width, height)) };
        int pixel = Math.Clamp(720 / (cols * tileW), 2, 6);
        var layout = ChartLayout.ForImage(
            title ?? (predictions is null ? $"{data.Name}: {shown.Count} images with their labels" : $"{data.Name}: label → prediction"),
            "pixel column", "pixel row", cols * tileW * pixel + 120, rows * tileH * pixel + 120);
        layout.annotations = annotations.ToArray();
        return ChartLayout.Plot([picture], layout);
    }
}
