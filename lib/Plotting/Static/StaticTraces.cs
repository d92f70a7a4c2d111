using System.Text.Json.Nodes;
using ScottPlot;

namespace CnnFromScratch.Plotting.Static;

/// <summary>
/// Each plotly trace type the course draws, added to a ScottPlot plot: scatter (lines and markers), bar, histogram,
/// heatmap and contour. <see cref="StaticChart"/> has set up the axes the values are mapped with.
/// </summary>
internal static class StaticTraces
{
    /// <summary>Lines and markers; "lines+markers" below 20 points and "lines" above when the trace names no mode, as plotly does.</summary>
    public static IPlottable? Scatter(Plot plot, JsonObject trace, PlotlyAxis x, PlotlyAxis y, Color color)
    {
        var ys = y.MapAll(trace["y"], 0);
        var xs = x.MapAll(trace["x"], ys.Length);
        var points = xs.Zip(ys).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        if (points.Length == 0) return null;   // an empty trace (a live chart before its first point) draws nothing, as in plotly
        string mode = Text(trace["mode"]) ?? (ys.Length < 20 ? "lines+markers" : "lines");
        var line = trace["line"] as JsonObject;
        var marker = trace["marker"] as JsonObject;
        color = PlotlyColors.ParseOr(line?["color"] ?? marker?["color"], color);

        var scatter = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray(), color);
        scatter.LineWidth = mode.Contains("lines") ? (float)(PlotlyAxis.Number(line?["width"]) ?? 2) : 0;
        scatter.MarkerSize = mode.Contains("markers") ? (float)(PlotlyAxis.Number(marker?["size"]) ?? 6) : 0;
        scatter.LinePattern = Text(line?["dash"]) switch
        {
            "dot" => LinePattern.Dotted,
            "dash" or "longdash" => LinePattern.Dashed,
            "dashdot" or "longdashdot" => LinePattern.DenselyDashed,
            _ => LinePattern.Solid,
        };
        // A long, noisy curve (the loss of every batch) compresses to half the bytes without anti-aliasing, and looks the same.
        scatter.LineStyle.AntiAlias = points.Length < 300;
        return scatter;
    }

    /// <summary>
    /// Bars at their categories or x values. With <paramref name="groups"/> traces in "group" mode, trace
    /// <paramref name="group"/> takes its share of each slot, side by side; on a log axis bars rise from the lowest decade.
    /// </summary>
    public static IPlottable? Bar(Plot plot, JsonObject trace, PlotlyAxis x, PlotlyAxis y, Color color, int group, int groups, double logBase)
    {
        var ys = y.MapAll(trace["y"], 0);
        var xs = x.MapAll(trace["x"], ys.Length);
        double slot = Spacing(xs);
        var marker = trace["marker"] as JsonObject;
        color = PlotlyColors.ParseOr(marker?["color"], color);
        double width = 0.8 * slot / groups;
        var bars = xs.Zip(ys)
            .Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second))
            .Select(p => new Bar
            {
                Position = p.First - 0.4 * slot + width * (group + 0.5),
                Value = p.Second,
                ValueBase = y.IsLog ? logBase : 0,
                Size = width,
                FillColor = color,
                LineWidth = 0,
            }).ToList();
        return bars.Count == 0 ? null : plot.Add.Bars(bars);
    }

    /// <summary>Counts of the trace's x values in equal bins: its <c>nbinsx</c>, or about √n of them as plotly's automatic binning gives.</summary>
    public static IPlottable? Histogram(Plot plot, JsonObject trace, PlotlyAxis x, Color color)
    {
        var values = x.MapAll(trace["x"], 0).Where(double.IsFinite).ToArray();
        if (values.Length == 0) return null;
        int bins = (int)(PlotlyAxis.Number(trace["nbinsx"]) ?? Math.Clamp(Math.Ceiling(Math.Sqrt(values.Length)), 5, 100));
        double min = values.Min(), max = values.Max();
        if (max <= min) max = min + 1;
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(bins, min, max);
        histogram.AddRange(values);
        var marker = trace["marker"] as JsonObject;
        color = PlotlyColors.ParseOr(marker?["color"], color);
        double size = histogram.FirstBinSize;
        var bars = histogram.Bins.Zip(histogram.Counts).Select(b => new Bar
        {
            Position = b.First + size / 2, Value = b.Second, Size = size * 0.95, FillColor = color, LineWidth = 0,
        }).ToList();
        return plot.Add.Bars(bars);
    }

    /// <summary>
    /// The cells of z, row r at y[r] and column c at x[c] (0, 1, 2 … or the categories when not given), missing values
    /// blank, coloured by the trace's scale between zmin and zmax, with a colour bar unless <c>showscale</c> is false.
    /// </summary>
    public static IPlottable? Heatmap(Plot plot, JsonObject trace, PlotlyAxis x, PlotlyAxis y)
    {
        if (Grid(trace) is not { } z) return null;
        int rows = z.GetLength(0), cols = z.GetLength(1);
        var xs = x.MapAll(trace["x"], cols);
        var ys = y.MapAll(trace["y"], rows);
        double cellW = cols > 1 ? (xs[^1] - xs[0]) / (cols - 1) : 1, cellH = rows > 1 ? (ys[^1] - ys[0]) / (rows - 1) : 1;
        var heatmap = plot.Add.Heatmap(z);
        // With an Extent whose bottom is below its top, ScottPlot puts row 0 at the bottom, at y[0], as plotly does.
        heatmap.Extent = new CoordinateRect(xs[0] - cellW / 2, xs[^1] + cellW / 2, ys[0] - cellH / 2, ys[^1] + cellH / 2);
        heatmap.Colormap = PlotlyColors.Colormap(trace["colorscale"]);
        heatmap.NaNCellColor = Colors.Transparent;
        double? zmin = PlotlyAxis.Number(trace["zmin"]), zmax = PlotlyAxis.Number(trace["zmax"]);
        if (zmin is double lo && zmax is double hi) heatmap.ManualRange = new ScottPlot.Range(lo, hi);
        if (trace["showscale"] is not JsonValue s || s.GetValue<bool>())
        {
            var bar = plot.Add.ColorBar(heatmap, Edge.Right);
            bar.Label = PlotlyFigure.TextOf((trace["colorbar"] as JsonObject)?["title"]);
        }
        return heatmap;
    }

    /// <summary>
    /// A contour as its <c>ncontours</c> (default 15) level lines. plotly also fills the bands between them; a fill of
    /// smooth shades would make the image ten times the bytes, and the lines alone show the same valleys and hills.
    /// </summary>
    public static IPlottable? Contour(Plot plot, JsonObject trace, PlotlyAxis x, PlotlyAxis y)
    {
        if (Grid(trace) is not { } z) return null;
        int rows = z.GetLength(0), cols = z.GetLength(1);
        var xs = x.MapAll(trace["x"], cols);
        var ys = y.MapAll(trace["y"], rows);
        var grid = new Coordinates3d[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                grid[r, c] = new Coordinates3d(xs[c], ys[r], z[r, c]);
        var lines = plot.Add.ContourLines(grid, (int)(PlotlyAxis.Number(trace["ncontours"]) ?? 15));
        lines.LineColor = Colors.Black.WithAlpha(0.45);
        lines.LineWidth = 1;
        lines.LabelStyle.IsVisible = false;
        lines.LineStyle.AntiAlias = false;   // anti-aliased, the many short segments of 15+ curves take 200 KB of PNG
        return lines;
    }

    /// <summary>
    /// An image trace given as a PNG data URI (<see cref="ImageTrace"/>): pixel (r, c) centred at
    /// (x0 + c·dx, y0 + r·dy), drawn with hard pixel edges as plotly draws it.
    /// </summary>
    public static IPlottable? Image(Plot plot, JsonObject trace)
    {
        string? source = Text(trace["source"]);
        if (source is null || !source.StartsWith("data:image/png;base64,", StringComparison.Ordinal)) return null;
        var image = new ScottPlot.Image(Convert.FromBase64String(source["data:image/png;base64,".Length..]));
        double x0 = PlotlyAxis.Number(trace["x0"]) ?? 0, y0 = PlotlyAxis.Number(trace["y0"]) ?? 0;
        double dx = PlotlyAxis.Number(trace["dx"]) ?? 1, dy = PlotlyAxis.Number(trace["dy"]) ?? 1;
        // Top is row 0 (at y0), bottom the last row, so the picture reads the right way up on plotly's downward y axis.
        var rect = new CoordinateRect(x0 - dx / 2, x0 + (image.Width - 0.5) * dx, y0 + (image.Height - 0.5) * dy, y0 - dy / 2);
        var drawn = plot.Add.ImageRect(image, rect);
        drawn.AntiAlias = false;
        return drawn;
    }

    /// <summary>z as a rectangular grid, rows padded with NaN (missing) to the longest; null when there is nothing to draw.</summary>
    private static double[,]? Grid(JsonObject trace)
    {
        if (trace["z"] is not JsonArray { Count: > 0 } rowsJson) return null;
        var rows = rowsJson.Select(r => r as JsonArray ?? []).ToArray();
        int cols = rows.Max(r => r.Count);
        if (cols == 0) return null;
        var z = new double[rows.Length, cols];
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < cols; c++)
                z[r, c] = c < rows[r].Count && PlotlyAxis.Number(rows[r][c]) is double v ? v : double.NaN;
        return z;
    }

    /// <summary>The smallest gap between neighbouring positions: the width one bar slot may take (1 for a single bar).</summary>
    private static double Spacing(double[] positions)
    {
        var sorted = positions.Where(double.IsFinite).Distinct().Order().ToArray();
        double gap = double.PositiveInfinity;
        for (int i = 1; i < sorted.Length; i++) gap = Math.Min(gap, sorted[i] - sorted[i - 1]);
        return double.IsFinite(gap) ? gap : 1;
    }

    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
