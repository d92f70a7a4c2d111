using CnnFromScratch.Gradients;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// The gradient norms a <see cref="GradientRecorder"/> collected, one line per trainable layer on a logarithmic axis,
/// with the batch loss on a second axis: a line that falls by orders of magnitude towards the input layers is a
/// vanishing gradient, one that shoots up an exploding one, a layer stuck at 0 a dead one.
/// </summary>
/// <remarks>
/// Redraw it as training runs (see the example on <see cref="GradientRecorder"/>), or once at the end. To compare runs,
/// for example two initialisations, plot each run's recorder in a chart of its own with the same <c>yRange</c>.
/// </remarks>
public static class GradientNormCurves
{
    private static readonly string[] Colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>The chart of everything <paramref name="recorder"/> holds so far.</summary>
    /// <param name="recorder">The recorder fed from <c>OnBatch</c>.</param>
    /// <param name="title">The chart title; says "Gradient norm per layer" unless told.</param>
    /// <param name="showLoss">Whether to draw the batch loss on the right-hand axis.</param>
    /// <param name="yRange">The norm axis as powers of ten, e.g. (-4, 1) for 10⁻⁴ … 10¹; automatic unless told.</param>
    public static PlotlyChart Plot(GradientRecorder recorder, string? title = null, bool showLoss = true, (double Low, double High)? yRange = null)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        var steps = recorder.Steps.ToArray();
        var traces = new List<Scatter>();
        for (int l = 0; l < recorder.LayerNames.Count; l++)
            traces.Add(new Scatter
            {
                x = steps, y = recorder.Norms(l).Select(ChartNumbers.Significant3).ToArray(), name = $"‖∂J/∂θ‖ layer {recorder.LayerNames[l]}",
                mode = "lines", line = new Line { width = 1.5, color = Colours[l % Colours.Length] },
            });
        if (showLoss)
            traces.Add(new Scatter
            {
                x = steps, y = recorder.Losses.Select(ChartNumbers.Significant3).ToArray(), name = "batch loss (right axis)", mode = "lines",
                yaxis = "y2", line = new Line { width = 1, color = "rgb(150,150,150)", dash = "dot" },
            });
        var layout = ChartLayout.Create(title ?? "Gradient norm per layer during training", "step (mini-batch)", "‖∂J/∂θ‖₂ (log scale)", 900, 480);
        layout.yaxis = new Yaxis { title = "‖∂J/∂θ‖₂ (log scale)", type = "log" };
        if (yRange is (double low, double high)) layout.yaxis.range = new[] { low, high };
        if (showLoss) layout.yaxis2 = new Yaxis { title = "batch loss", overlaying = "y", side = "right", rangemode = "tozero" };
        layout.legend = new Legend { x = 1.08, y = 1 };
        layout.margin = new Margin { l = 70, r = 320, t = 80, b = 60 };
        return ChartLayout.Plot(traces, layout);
    }
}
