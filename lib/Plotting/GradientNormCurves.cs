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
    /// <param name="smoothing">
    /// Draw each point as the mean of the last <paramref name="smoothing"/> records (fewer at the start), norms and loss alike:
    /// mini-batch gradients are noisy, and a running mean shows the trend. 1 (the default) draws the records as they are.
    /// </param>
    public static PlotlyChart Plot(GradientRecorder recorder, string? title = null, bool showLoss = true, (double Low, double High)? yRange = null,
                                   int smoothing = 1)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        if (smoothing < 1)
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "Average at least one record per point (1 draws the records as they are).");
        var steps = recorder.Steps.ToArray();
        var traces = new List<Scatter>();
        for (int l = 0; l < recorder.LayerNames.Count; l++)
            traces.Add(new Scatter
            {
                x = steps, y = RunningMean(recorder.Norms(l), smoothing), name = $"‖∂J/∂θ‖ layer {recorder.LayerNames[l]}",
                mode = "lines", line = new Line { width = 1.5, color = Colours[l % Colours.Length] },
            });
        if (showLoss)
            traces.Add(new Scatter
            {
                x = steps, y = RunningMean(recorder.Losses, smoothing), name = "batch loss (right axis)", mode = "lines",
                yaxis = "y2", line = new Line { width = 1, color = "rgb(150,150,150)", dash = "dot" },
            });
        var layout = ChartLayout.Create(title ?? "Gradient norm per layer during training", "step (mini-batch)", "‖∂J/∂θ‖₂ (log scale)", 820, 420);
        layout.yaxis = new Yaxis { title = "‖∂J/∂θ‖₂ (log scale)", type = "log" };
        if (yRange is (double low, double high)) layout.yaxis.range = new[] { low, high };
        if (showLoss) layout.yaxis2 = new Yaxis { title = "batch loss", overlaying = "y", side = "right", rangemode = "tozero" };
        layout.legend = new Legend { x = 1.08, y = 1 };
        layout.margin = new Margin { l = 70, r = 300, t = 70, b = 60 };
        return ChartLayout.Plot(traces, layout);
    }

    // Point i is the mean of records i − window + 1 … i, to three significant digits.
    private static double[] RunningMean(IReadOnlyList<double> values, int window)
    {
        var means = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            means[i] = ChartNumbers.Significant3(sum / Math.Min(i + 1, window));
        }
        return means;
    }
}
