using ScottPlot;

namespace CnnFromScratch.Plotting.Static;

// The axes as plotly's layout sets them: where bars start on a log axis, the tick labels, the ranges.
internal static partial class StaticChart
{
    /// <summary>The decade just below the smallest positive bar: where bars start on a log axis.</summary>
    private static double LowestDecade(IEnumerable<double[]> values)
    {
        var finite = values.SelectMany(v => v).Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? 0 : Math.Floor(finite.Min());
    }

    /// <summary>Category names at their positions; decades labelled 1, 10, 100 … on a log axis.</summary>
    private static void Ticks(IAxis axis, PlotlyAxis settings)
    {
        if (settings.IsCategory)
        {
            var categories = settings.Categories;
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            for (int i = 0; i < categories.Count; i++) ticks.AddMajor(i, categories[i]);
            axis.TickGenerator = ticks;
        }
        else if (settings.IsLog)
        {
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                TickDensity = 0.5,
                IntegerTicksOnly = true,
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                LabelFormatter = PlotlyAxis.DecadeLabel,
            };
        }
    }

    /// <summary>The layout's range (or the automatic one), from 0 with <c>rangemode: "tozero"</c>, top to bottom when reversed.</summary>
    private static void Limits(Plot plot, IAxis axis, PlotlyAxis settings)
    {
        var (min, max) = settings.Range ?? (axis.Range.Min, axis.Range.Max);
        if (settings.Range is null && settings.RangeToZero && min > 0) min = 0;
        if (settings.IsCategory && settings.Range is null)
            (min, max) = (Math.Min(min, -0.5), Math.Max(max, settings.Categories.Count - 0.5));
        if (settings.Reversed) (min, max) = (max, min);
        axis.Range.Set(min, max);
    }
}
