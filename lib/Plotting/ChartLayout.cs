using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// The one place charts get their common look: every chart has a title and labelled axes (STYLE.md), so every
/// helper builds its layout here. Chapter authors' line charts should use it too.
/// </summary>
public static class ChartLayout
{
    // Plotly's own "Greys" draws high values white and its "RdBu" has a grey middle; these keep 0 white.

    /// <summary>White → black: a grey image as dark ink on white paper.</summary>
    internal static readonly object[][] InkScale = [[0.0, "rgb(255,255,255)"], [1.0, "rgb(0,0,0)"]];

    /// <summary>Blue → white → red, for values of both signs centred on 0.</summary>
    internal static readonly object[][] DivergingScale = [[0.0, "rgb(33,102,172)"], [0.5, "rgb(255,255,255)"], [1.0, "rgb(178,24,43)"]];

    /// <summary>A layout with a title, axis titles and, when given, a size in pixels.</summary>
    public static Layout.Layout Create(string title, string xTitle, string yTitle, int? width = null, int? height = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentException.ThrowIfNullOrWhiteSpace(xTitle);
        ArgumentException.ThrowIfNullOrWhiteSpace(yTitle);
        var layout = new Layout.Layout
        {
            title = title,
            xaxis = new Xaxis { title = xTitle },
            yaxis = new Yaxis { title = yTitle },
        };
        if (width is int w) layout.width = w;
        if (height is int h) layout.height = h;
        return layout;
    }

    /// <summary>A layout for pictures: like <see cref="Create"/>, with the y axis pointing down so row 0 is at the top, as in the image.</summary>
    public static Layout.Layout ForImage(string title, string xTitle, string yTitle, int width, int height)
    {
        var layout = Create(title, xTitle, yTitle, width, height);
        layout.yaxis = new Yaxis { title = yTitle, autorange = "reversed" };
        return layout;
    }

    /// <summary>The chart of <paramref name="traces"/> drawn with <paramref name="layout"/>.</summary>
    public static PlotlyChart Plot(IEnumerable<Trace> traces, Layout.Layout layout) => Chart.Plot(traces, layout);
}
