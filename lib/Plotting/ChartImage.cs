using System.Runtime.CompilerServices;
using CnnFromScratch.Plotting.Static;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// A chart as a picture: the static rendering (drawn by ScottPlot) that every chart output carries, so the figure shows
/// where plotly.js cannot run (GitHub, an untrusted notebook in JupyterLab, an HTML export, a train without network).
/// </summary>
public static class ChartImage
{
    /// <summary>
    /// <paramref name="chart"/> as a PNG of its own size (900×500 unless set): its traces (scatter, bar, histogram,
    /// heatmap, contour), title, axis titles, axis types and ranges, annotations and legend.
    /// </summary>
    public static byte[] ToPng(this PlotlyChart chart)
    {
        var figure = PlotlyFigure.Of(chart);
        NativeAssets.EnsureRegistered();
        return Render(figure);
    }

    // Apart from ToPng, so that ScottPlot is loaded only after NativeAssets has told the host where it is.
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static byte[] Render(PlotlyFigure figure)
    {
        int width = figure.Width, height = figure.Height;
        using var bitmap = new SkiaSharp.SKBitmap(width, height, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul);
        using (var canvas = new SkiaSharp.SKCanvas(bitmap)) StaticChart.Render(figure).Render(canvas, width, height);
        return IndexedPng.Encode(bitmap);
    }
}
