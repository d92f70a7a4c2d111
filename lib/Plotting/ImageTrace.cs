using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// plotly.js's <c>image</c> trace (1.54 and later), which XPlot.Plotly 4.1.0 has no class for: a picture given as a
/// PNG data URI, pixel (0, 0) centred at (<c>x0</c>, <c>y0</c>), one pixel <c>dx</c> × <c>dy</c> wide. A grid of 40
/// digits is 3 KB of PNG, where a heatmap of the same pixels writes 150 KB of numbers into the cell's output.
/// </summary>
internal sealed class ImageTrace : Trace
{
#pragma warning disable IDE1006 // plotly's own attribute names, as XPlot writes them
    public string type => "image";

    public string source { get; init; } = "";

    public double x0 { get; init; }

    public double y0 { get; init; }

    public double dx { get; init; } = 1;

    public double dy { get; init; } = 1;

    public string hoverinfo { get; init; } = "x+y";
#pragma warning restore IDE1006
}
