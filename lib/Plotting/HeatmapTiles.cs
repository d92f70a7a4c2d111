using CnnFromScratch.Tensors;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// Several maps of the same size side by side in one chart, each with a caption: a filter beside its gradient, a digit
/// beside its saliency map ∂J/∂x, the gradient of a broken backward pass beside the correct one.
/// </summary>
/// <remarks>
/// <para>Gradients are often a thousand times smaller than the weights they belong to, so by default every tile is divided
/// by its own largest |value| and its caption says what that was: the colours compare patterns, the captions sizes.
/// With <c>sameScale: true</c> all tiles share one scale instead, so that the colours compare sizes too.
/// Blue is negative, white 0, red positive, as in <see cref="ImageHeatmap"/>.</para>
/// <para>In a notebook:</para>
/// <code>
/// var w = ((Conv2d)model.Layers[0]).Weights;   // O×C×k×k: filter o, channel c is HeatmapTiles.Map(w.Value, o, c)
/// HeatmapTiles.Plot([("W, filter 1", HeatmapTiles.Map(w.Value, 0, 0)), ("∂J/∂W, filter 1", HeatmapTiles.Map(w.Gradient, 0, 0))],
///                   "Filter 1 and its gradient");
/// HeatmapTiles.Plot(snapshot.InputGradient, "∂J/∂x: which pixels change the loss");   // every image of a batch
/// </code>
/// </remarks>
public static class HeatmapTiles
{
    /// <summary>
    /// The <paramref name="tiles"/>, <paramref name="columns"/> per row (all in one row when 0), each an H×W map
    /// (leading dimensions of size 1 allowed), captioned with its name and its largest |value|. <paramref name="xTitle"/>
    /// and <paramref name="yTitle"/> say what a column and a row of a tile are, e.g. "class k" and "sample n".
    /// </summary>
    public static PlotlyChart Plot(IReadOnlyList<(string Caption, Tensor Map)> tiles, string title, int columns = 0, bool sameScale = false,
                                   string xTitle = "column j (in each tile)", string yTitle = "row i (in each tile)")
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        if (tiles.Count == 0) throw new ArgumentException("Nothing to show: pass at least one (caption, map) tile.", nameof(tiles));
        if (columns < 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Use 0 (all in one row) or a positive number of columns.");
        int h = 0, w = 0;
        for (int t = 0; t < tiles.Count; t++)
        {
            var (caption, map) = tiles[t];
            ArgumentNullException.ThrowIfNull(map, $"{nameof(tiles)}[{t}].Map");
            var (mh, mw) = MapSize(map, $"Tile {t} ('{caption}')");
            if (t == 0) (h, w) = (mh, mw);
            else if ((mh, mw) != (h, w))
                throw new ArgumentException(
                    $"Tile {t} ('{caption}') is {mh}×{mw} but tile 0 is {h}×{w}; side by side tiles must have the same size (plot the others in a chart of their own).",
                    nameof(tiles));
        }

        double shared = sameScale ? tiles.Max(t => ChartNumbers.MaxAbs(t.Map.AsSpan())) : 0;
        int cols = columns == 0 ? tiles.Count : Math.Min(columns, tiles.Count), rows = (tiles.Count + cols - 1) / cols;
        // A tile gets about 160 pixels for its longer side; the gaps and the caption band are counted in cells.
        int cell = Math.Clamp(160 / Math.Max(h, w), 3, 26);
        int gap = Math.Max(1, 16 / cell), captionRows = Math.Max(1, (34 + cell - 1) / cell);
        int tileH = h + captionRows, tileW = w + gap;
        var z = new double?[rows * tileH][];
        for (int r = 0; r < z.Length; r++) z[r] = new double?[cols * tileW - gap];
        var annotations = new List<Annotation>();
        for (int t = 0; t < tiles.Count; t++)
        {
            var (caption, map) = tiles[t];
            ReadOnlySpan<float> values = map.AsSpan();
            double scale = sameScale ? shared : ChartNumbers.MaxAbs(values);
            int top = (t / cols) * tileH + captionRows, left = (t % cols) * tileW;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    z[top + y][left + x] = Math.Round(values[y * w + x] / scale, 3);
            string size = $"max |·| = {ChartNumbers.Format(ChartNumbers.MaxAbs(values, 0))}";
            annotations.Add(new Annotation
            {
                x = left + (w - 1) / 2.0, y = top - captionRows / 2.0 - 0.5, text = $"{caption}<br>{size}", showarrow = false,
                font = new Font { size = 11 },
            });
        }

        var heatmap = new Heatmap
        {
            z = z, colorscale = ChartLayout.DivergingScale, zmin = -1, zmax = 1, hoverinfo = "z",
            colorbar = new Colorbar { title = sameScale ? $"value / {ChartNumbers.Format(shared)}" : "value / max |value| of its tile" },
        };
        int plotWidth = (cols * tileW - gap) * cell, plotHeight = rows * tileH * cell;
        var layout = ChartLayout.ForImage(title, xTitle, yTitle, plotWidth + 200, plotHeight + 140);
        // The axes span all the tiles, so their tick numbers would mean nothing inside a tile: titles only.
        layout.xaxis = new Xaxis { title = xTitle, showticklabels = false, showgrid = false, zeroline = false, ticks = "" };
        layout.yaxis = new Yaxis { title = yTitle, autorange = "reversed", showticklabels = false, showgrid = false, zeroline = false, ticks = "" };
        layout.margin = new Margin { l = 60, r = 140, t = 80, b = 60 };
        layout.annotations = annotations.ToArray();
        return ChartLayout.Plot([heatmap], layout);
    }

    /// <summary>
    /// Every map of a batch N×C×H×W as a tile, one row per sample and one column per channel (a 1-channel batch in one
    /// row), captioned "n = …, c = …". For the input gradient of a few images, a saliency map per image.
    /// </summary>
    public static PlotlyChart Plot(Tensor maps, string title, bool sameScale = false)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Rank != 4)
            throw new ArgumentException($"Expected a batch of maps N×C×H×W, but got {TensorShape.Format(maps.Shape)}; for single maps pass (caption, map) tiles.", nameof(maps));
        int n = maps.Dim(0), c = maps.Dim(1);
        var tiles = new List<(string, Tensor)>();
        for (int s = 0; s < n; s++)
            for (int ch = 0; ch < c; ch++)
                tiles.Add((c == 1 ? $"sample {s}" : $"sample {s}, channel {ch}", Map(maps, s, ch)));
        return Plot(tiles, title, columns: c == 1 ? 0 : c, sameScale);
    }

    /// <summary>Channel <paramref name="channel"/> of sample <paramref name="sample"/> of an N×C×H×W batch, as a copied H×W map.</summary>
    public static Tensor Map(Tensor maps, int sample, int channel)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Rank != 4)
            throw new ArgumentException($"Expected a batch of maps N×C×H×W, but got {TensorShape.Format(maps.Shape)}.", nameof(maps));
        if ((uint)sample >= (uint)maps.Dim(0))
            throw new ArgumentOutOfRangeException(nameof(sample), sample, $"The batch has {maps.Dim(0)} samples (0 … {maps.Dim(0) - 1}).");
        if ((uint)channel >= (uint)maps.Dim(1))
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"The maps have {maps.Dim(1)} channels (0 … {maps.Dim(1) - 1}).");
        int h = maps.Dim(2), w = maps.Dim(3);
        return new Tensor(maps.Data.AsSpan((sample * maps.Dim(1) + channel) * h * w, h * w).ToArray(), h, w);
    }

    private static (int H, int W) MapSize(Tensor map, string what)
    {
        bool single = map.Rank >= 2;
        for (int d = 0; d < map.Rank - 2; d++) single &= map.Dim(d) == 1;
        if (!single)
            throw new ArgumentException(
                $"{what} is {TensorShape.Format(map.Shape)}, but a tile shows one H×W map: pick one with HeatmapTiles.Map(maps, sample, channel).",
                nameof(map));
        return (map.Dim(-2), map.Dim(-1));
    }
}
