using CnnFromScratch.Gradients;
using CnnFromScratch.Tensors;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>
/// How large the entries of each layer's gradient are: one line per layer, the fraction of its entries in each bin of
/// log₁₀|g|. Curves that sit further left layer after layer, towards the input, are a vanishing gradient; the legend
/// also counts the entries that are exactly 0 (which a log axis cannot show), the mark of dead ReLUs.
/// </summary>
/// <remarks>
/// In a notebook, for one batch through a freshly initialised model:
/// <c>GradientHistogram.Plot(GradientSnapshot.Take(model, loss, x, y), "Weight gradients, He initialisation")</c>.
/// Use the same <c>range</c> in the charts you compare (say, two initialisations).
/// </remarks>
public static class GradientHistogram
{
    /// <summary>The histogram of the <paramref name="parameter"/> gradient ("weights" unless told) of every trainable layer of <paramref name="snapshot"/>.</summary>
    public static PlotlyChart Plot(GradientSnapshot snapshot, string title, string parameter = "weights", int bins = 40, (double Low, double High)? range = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var series = snapshot.TrainableLayers
            .Where(k => snapshot.Model.Layers[k].Parameters.Any(p => p.Name == parameter))
            .Select(k => ($"layer {k}: {snapshot.Model.Layers[k].Name}", snapshot.ParameterGradient(k, parameter)))
            .ToArray();
        if (series.Length == 0)
            throw new ArgumentException($"No layer of the model has a parameter named '{parameter}'.", nameof(parameter));
        return Plot(series, title, bins, range);
    }

    /// <summary>The histogram of log₁₀|g| of each named tensor of <paramref name="series"/>.</summary>
    /// <param name="series">The tensors, e.g. each layer's weight gradient, with their legend names.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="bins">The number of bins between the smallest and the largest log₁₀|g| (or <paramref name="range"/>).</param>
    /// <param name="range">The x axis as powers of ten, e.g. (-8, 0); from the data unless told. Entries outside it are counted in the end bins.</param>
    /// <param name="xTitle">The x axis title, for tensors that are not gradients (say, activations: "log₁₀ |a|").</param>
    public static PlotlyChart Plot(IReadOnlyList<(string Name, Tensor Values)> series, string title, int bins = 40, (double Low, double High)? range = null,
        string xTitle = "log₁₀ |∂J/∂θ| (−3 means 0.001)")
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        if (series.Count == 0) throw new ArgumentException("Pass at least one (name, tensor) series.", nameof(series));
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), bins, "Use at least 2 bins (40 is a good start).");
        var logs = series.Select(s => s.Values.Data.Where(v => v != 0 && float.IsFinite(v)).Select(v => Math.Log10(Math.Abs(v))).ToArray()).ToArray();
        if (range is null && logs.All(l => l.Length == 0))
            throw new ArgumentException("Every gradient is exactly 0 (or not finite), so there is nothing to bin: check that the backward pass ran.", nameof(series));
        var (low, high) = range ?? (logs.Where(l => l.Length > 0).Min(l => l.Min()), logs.Where(l => l.Length > 0).Max(l => l.Max()));
        if (!(high > low)) (low, high) = (low - 0.5, low + 0.5);   // all entries of one size
        double width = (high - low) / bins;
        var centres = Enumerable.Range(0, bins).Select(b => Math.Round(low + (b + 0.5) * width, 3)).ToArray();

        var traces = new List<Scatter>();
        for (int s = 0; s < series.Count; s++)
        {
            var counts = new double[bins];
            foreach (double v in logs[s]) counts[Math.Clamp((int)((v - low) / width), 0, bins - 1)]++;
            int total = series[s].Values.Length, zeros = series[s].Values.Data.Count(v => v == 0);
            traces.Add(new Scatter
            {
                x = centres, y = counts.Select(c => Math.Round(c / Math.Max(1, total), 4)).ToArray(), mode = "lines",
                name = zeros == 0 ? series[s].Name : $"{series[s].Name} ({100.0 * zeros / total:0.#}% exactly 0)",
            });
        }
        var layout = ChartLayout.Create(title, xTitle, "fraction of the entries", 900, 460);
        layout.legend = new Legend { x = 1.02, y = 1 };
        layout.margin = new Margin { l = 70, r = 320, t = 80, b = 60 };
        return ChartLayout.Plot(traces, layout);
    }
}
