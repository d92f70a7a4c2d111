using CnnFromScratch.Data;
using CnnFromScratch.Plotting;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Plotting;

public sealed class DataChartTests
{
    private static readonly LabeledImages Sample = MnistSample.Load().Test.Take(30);

    private static void AssertTitled(XPlot.Plotly.PlotlyChart chart, string title, string xTitle, string yTitle)
    {
        var layout = ChartJson.Layout(chart);
        Assert.Contains(title, layout.GetProperty("title").GetString());
        Assert.Equal(xTitle, layout.GetProperty("xaxis").GetProperty("title").GetString());
        Assert.Equal(yTitle, layout.GetProperty("yaxis").GetProperty("title").GetString());
    }

    [Fact]
    public void DigitGrid_draws_every_image_with_its_label_as_caption()
    {
        var chart = DigitGrid.Plot(Sample, count: 12, columns: 4);
        AssertTitled(chart, "12 images with their labels", "pixel column", "pixel row");
        var captions = ChartJson.Layout(chart).GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()).ToArray();
        Assert.Equal(Sample.Labels.Take(12).Select(l => l.ToString()), captions);
        Assert.Contains("\"reversed\"", chart.GetPlottingJS());
        // One grey picture: 4 × 3 tiles of 29 × 34 pixels (a one-pixel gap, six caption rows); dark ink on white.
        var trace = ChartJson.FirstTrace(chart);
        Assert.Equal("image", trace.GetProperty("type").GetString());
        string source = trace.GetProperty("source").GetString()!;
        Assert.StartsWith("data:image/png;base64,", source);
        using var picture = SkiaSharp.SKBitmap.Decode(Convert.FromBase64String(source["data:image/png;base64,".Length..]));
        Assert.Equal((4 * 29, 3 * 34), (picture.Width, picture.Height));
        Assert.Equal(255, picture.GetPixel(28, 0).Red);   // the gap and the caption rows are white paper
        var tile = Sample.Image(0);
        int darkest = Enumerable.Range(0, 28 * 28).MaxBy(i => tile.Data[i]);
        Assert.Equal((byte)Math.Round(255 * (1 - tile.Data[darkest])), picture.GetPixel(darkest % 28, 6 + darkest / 28).Red);
    }

    [Fact]
    public void DigitGrid_with_predictions_marks_the_wrong_ones()
    {
        var predictions = Sample.Labels.Select((l, i) => i == 1 ? (l + 1) % 10 : l).ToArray();
        var chart = DigitGrid.Plot(Sample, count: 3, predictions: predictions);
        var captions = ChartJson.Layout(chart).GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()).ToArray();
        Assert.Equal($"{Sample.Labels[0]} → {Sample.Labels[0]}", captions[0]);
        Assert.Equal($"{Sample.Labels[1]} → {predictions[1]} ✗", captions[1]);
    }

    [Fact]
    public void ClassHistogram_has_one_bar_series_per_dataset()
    {
        var (train, test) = MnistSample.Load();
        var chart = ClassHistogram.Plot(train, test);
        AssertTitled(chart, "Images per class", "class", "number of images");
        string js = chart.GetPlottingJS();
        Assert.Contains("\"type\":\"bar\"", js.Replace(" ", ""));
        Assert.Contains("[801,902,793,826,784,690,811,856,755,782]", js.Replace(" ", ""));
    }

    [Fact]
    public void ImageHeatmap_shows_one_image_titled_with_its_label_and_rejects_a_batch()
    {
        var chart = ImageHeatmap.Plot(Sample, 0);
        AssertTitled(chart, $"label {Sample.Labels[0]}", "column j", "row i");
        Assert.Contains("\"type\":\"heatmap\"", chart.GetPlottingJS().Replace(" ", ""));
        var e = Assert.Throws<ArgumentException>(() => ImageHeatmap.Plot(Sample.Images));
        Assert.Contains("data.Image(0)", e.Message);
    }

    [Fact]
    public void ChartLayout_refuses_a_chart_without_axis_labels()
    {
        Assert.Throws<ArgumentException>(() => ChartLayout.Create("title", "", "y"));
        Assert.NotNull(ImageHeatmap.Plot(new Tensor(28, 28)).GetHtml());
    }
}
