using CnnFromScratch.Tensors;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// A gradient matrix, such as a dense layer's ∂J/∂W (one row per output unit, one column per input), as a heatmap:
/// row 0 at the top as in the matrix, blue negative, white 0, red positive, with limits symmetric about 0 and the
/// colour bar in the gradient's own units. A weight in a red cell is pushed down by the next step (θ ← θ − α∂J/∂θ),
/// one in a blue cell up.
/// </summary>
/// <remarks>
/// The colours are in whole multiples of a power of ten that the colour bar names ("∂J/∂W (×1e-5)": 57 means
/// 0.00057), three digits for the largest value (two for matrices of more than 4,000 entries), so that even a 60×288
/// matrix stays under 100 KB.
/// In a notebook: <c>GradientHeatmap.Plot(dense2.Weights.Gradient, "∂J/∂W2 for one batch", "input j (unit of a1)", "output k (class)")</c>.
/// </remarks>
public static class GradientHeatmap
{
    /// <summary>A heatmap of the K×D matrix <paramref name="gradient"/> (leading dimensions of size 1 allowed).</summary>
    /// <param name="gradient">The matrix, e.g. a Dense layer's <c>Weights.Gradient</c>.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="xTitle">What a column is, e.g. "input j (unit of a1)".</param>
    /// <param name="yTitle">What a row is, e.g. "output k (class)".</param>
    /// <param name="colorbarTitle">What the colours measure, "∂J/∂W" unless told.</param>
    public static PlotlyChart Plot(Tensor gradient, string title, string xTitle, string yTitle, string colorbarTitle = "∂J/∂W")
    {
        ArgumentNullException.ThrowIfNull(gradient);
        bool matrix = gradient.Rank >= 2;
        for (int d = 0; d < gradient.Rank - 2; d++) matrix &= gradient.Dim(d) == 1;
        if (!matrix)
            throw new ArgumentException(
                $"A gradient heatmap shows one K×D matrix, but got {TensorShape.Format(gradient.Shape)}. " +
                "For a vector, Reshape it to 1×D; for convolution kernels or feature maps use HeatmapTiles.",
                nameof(gradient));
        int rows = gradient.Dim(-2), cols = gradient.Dim(-1);
        // Whole numbers of a power of ten keep the chart's JSON short: the largest |value| becomes 100 … 999
        // (10 … 99 for matrices of more than 4,000 entries, such as a 60×288 ∂J/∂W1, so that they stay under 100 KB).
        double max = ChartNumbers.MaxAbs(gradient.AsSpan(), 1e-30);
        int exponent = (int)Math.Floor(Math.Log10(max)) - (rows * cols > 4000 ? 1 : 2);
        double unit = Math.Pow(10, exponent);
        var z = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            z[r] = new double[cols];
            for (int c = 0; c < cols; c++) z[r][c] = Math.Round(gradient.Data[r * cols + c] / unit);
        }
        double bound = Math.Max(1, Math.Round(max / unit));
        var heatmap = new Heatmap
        {
            z = z, colorscale = ChartLayout.DivergingScale, zmin = -bound, zmax = bound,
            colorbar = new Colorbar { title = $"{colorbarTitle} (×1e{exponent})" },
        };
        // Cells need not be square: a 10×60 matrix gets a wide, low plot area, a 60×288 one a large one.
        int plotWidth = Math.Clamp(12 * cols, 240, 720), plotHeight = Math.Clamp(14 * rows, 160, 480);
        var layout = ChartLayout.ForImage(title, xTitle, yTitle, plotWidth + 180, plotHeight + 140);
        layout.margin = new Margin { l = 70, r = 110, t = 80, b = 60 };
        return ChartLayout.Plot([heatmap], layout);
    }
}
