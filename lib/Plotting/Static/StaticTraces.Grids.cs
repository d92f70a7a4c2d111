using System.Text.Json.Nodes;
using ScottPlot;

namespace CnnFromScratch.Plotting.Static;

// The traces drawn from a grid of z values: heatmap, contour and image.
internal static partial class StaticTraces
{
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
}
