using CnnFromScratch.Data;
using XPlot.Plotly;

namespace CnnFromScratch.Plotting;

/// <summary>How many images each class has, one bar group per class and one bar colour per dataset: is the data balanced?</summary>
public static class ClassHistogram
{
    /// <summary>Bars of the class counts of each of <paramref name="datasets"/> (which must share their class names).</summary>
    public static PlotlyChart Plot(params LabeledImages[] datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        if (datasets.Length == 0) throw new ArgumentException("Pass at least one dataset.", nameof(datasets));
        var names = datasets[0].ClassNames;
        foreach (var d in datasets)
            if (!d.ClassNames.SequenceEqual(names))
                throw new ArgumentException($"{d.Name} has other classes than {datasets[0].Name}; compare datasets of the same classes.", nameof(datasets));
        var bars = datasets.Select(d => new Bar { x = names.ToArray(), y = d.ClassCounts(), name = d.Name }).ToArray();
        var layout = ChartLayout.Create(
            datasets.Length == 1 ? $"{datasets[0].Name}: images per class" : "Images per class", "class", "number of images");
        layout.barmode = "group";
        return ChartLayout.Plot(bars, layout);
    }
}
