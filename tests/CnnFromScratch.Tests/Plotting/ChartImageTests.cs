using CnnFromScratch.Data;
using CnnFromScratch.Plotting;
using CnnFromScratch.Plotting.Static;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;
using SkiaSharp;
using XPlot.Plotly;

namespace CnnFromScratch.Tests.Plotting;

/// <summary>The static rendering: every chart the course draws comes out as a real picture with its title, axes and data.</summary>
public sealed class ChartImageTests
{
    private static SKBitmap Decode(byte[] png) => SKBitmap.Decode(png) ?? throw new Xunit.Sdk.XunitException("not a PNG");

    private static int CountPixels(SKBitmap image, Func<SKColor, bool> match)
    {
        int n = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (match(image.GetPixel(x, y))) n++;
        return n;
    }

    private static bool Near(SKColor c, byte r, byte g, byte b, int tolerance = 40) =>
        Math.Abs(c.Red - r) <= tolerance && Math.Abs(c.Green - g) <= tolerance && Math.Abs(c.Blue - b) <= tolerance;

    private static ScottPlot.Plot Render(PlotlyChart chart) => StaticChart.Render(PlotlyFigure.Of(chart));

    private static string[] TickLabels(ScottPlot.IAxis axis, ScottPlot.Plot plot)
    {
        plot.GetImageBytes(400, 300, ScottPlot.ImageFormat.Png);   // ticks are generated when the plot is laid out
        return axis.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();
    }

    [Fact]
    public void A_line_chart_becomes_a_png_of_the_chart_size_with_its_line_in_its_colour()
    {
        var chart = Chart.Plot(new Scatter { x = new[] { 0, 1, 2, 3 }, y = new[] { 0.0, 1, 4, 9 }, mode = "lines", line = new Line { color = "rgb(255,0,0)", width = 3 } });
        chart.WithTitle("squares");
        chart.WithSize(640, 360);
        using var image = Decode(chart.ToPng());
        Assert.Equal((640, 360), (image.Width, image.Height));
        Assert.True(CountPixels(image, c => Near(c, 255, 0, 0)) > 300, "the red line is missing from the image");
    }

    [Fact]
    public void Title_axis_titles_and_legend_names_carry_over()
    {
        var chart = Chart.Plot(new[]
        {
            new Scatter { x = new[] { 1, 2 }, y = new[] { 1, 2 }, name = "train" },
            new Scatter { x = new[] { 1, 2 }, y = new[] { 2, 1 }, name = "held-out" },
        });
        chart.WithTitle("Loss <br>per epoch");
        chart.WithXTitle("epoch");
        chart.WithYTitle("loss J");
        var plot = Render(chart);
        Assert.Equal("Loss \nper epoch", plot.Axes.Title.Label.Text);
        Assert.Equal("epoch", plot.Axes.Bottom.Label.Text);
        Assert.Equal("loss J", plot.Axes.Left.Label.Text);
        Assert.Equal(["train", "held-out"], plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Select(s => s.LegendText));
        Assert.Single(plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>());
    }

    [Fact]
    public void A_single_trace_has_no_legend_as_in_plotly()
    {
        var plot = Render(Chart.Plot(new Bar { x = new[] { "a", "b" }, y = new[] { 1, 2 }, name = "pixels" }));
        Assert.False(plot.Legend.IsVisible);
        Assert.Empty(plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>());
    }

    [Fact]
    public void Categories_label_their_positions_and_grouped_bars_sit_side_by_side()
    {
        var chart = Chart.Plot(new[]
        {
            new Bar { x = new[] { "0", "1", "2" }, y = new[] { 5, 6, 7 }, name = "train" },
            new Bar { x = new[] { "0", "1", "2" }, y = new[] { 1, 2, 3 }, name = "test" },
        });
        chart.WithLayout(new Layout.Layout { title = "Images per class", barmode = "group", xaxis = new Xaxis { title = "class" }, yaxis = new Yaxis { title = "n" } });
        var plot = Render(chart);
        Assert.Equal(["0", "1", "2"], TickLabels(plot.Axes.Bottom, plot));
        var bars = plot.GetPlottables().OfType<ScottPlot.Plottables.BarPlot>().ToArray();
        Assert.Equal(2, bars.Length);
        Assert.True(bars[0].Bars[1].Position < 1 && bars[1].Bars[1].Position > 1, "the two bars of class 1 should flank its tick");
        Assert.Equal(6, bars[0].Bars[1].Value);
    }

    [Fact]
    public void A_log_axis_is_drawn_in_decades_labelled_1_10_100()
    {
        var chart = Chart.Plot(new Scatter { x = new[] { 1, 2, 3 }, y = new[] { 1.0, 100, 10000 } });
        chart.WithLayout(new Layout.Layout { title = "log", yaxis = new Yaxis { title = "ms", type = "log" } });
        var plot = Render(chart);
        var scatter = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Single();
        Assert.Equal([0.0, 2, 4], scatter.Data.GetScatterPoints().Select(p => p.Y));
        Assert.Contains("100", TickLabels(plot.Axes.Left, plot));
        Assert.Contains("10000", TickLabels(plot.Axes.Left, plot));
    }

    [Fact]
    public void A_heatmap_of_an_image_has_row_0_at_the_top_ink_black_and_paper_white()
    {
        var data = new float[28 * 28];
        for (int r = 0; r < 14; r++) for (int c = 0; c < 28; c++) data[r * 28 + c] = 1f;   // the top half is ink
        var chart = ImageHeatmap.Plot(new Tensor(data, 28, 28), "top half inked");
        var plot = Render(chart);
        Assert.True(plot.Axes.Left.Range.Min > plot.Axes.Left.Range.Max, "the row axis should point down, as in the image");
        using var image = Decode(plot.GetImageBytes(chart.Width, chart.Height, ScottPlot.ImageFormat.Png));
        // Sample the plot area's centre column a quarter and three quarters of the way down.
        var area = plot.RenderManager.LastRender.DataRect;
        SKColor top = image.GetPixel((int)area.HorizontalCenter, (int)(area.Top + area.Height / 4));
        SKColor bottom = image.GetPixel((int)area.HorizontalCenter, (int)(area.Top + 3 * area.Height / 4));
        Assert.True(Near(top, 0, 0, 0), $"the inked top half is {top}, not black");
        Assert.True(Near(bottom, 255, 255, 255), $"the blank bottom half is {bottom}, not white");
    }

    [Fact]
    public void A_digit_grid_reads_the_right_way_up_in_the_static_image()
    {
        var ink = new float[28 * 28];
        for (int r = 14; r < 28; r++) for (int c = 0; c < 28; c++) ink[r * 28 + c] = 1f;   // the bottom half is ink
        var digits = new LabeledImages(new Tensor(ink, 1, 1, 28, 28), [3], [.. Enumerable.Range(0, 10).Select(d => d.ToString())], "half");
        var chart = DigitGrid.Plot(digits, count: 1, columns: 1);
        var plot = Render(chart);
        using var image = Decode(plot.GetImageBytes(chart.Width, chart.Height, ScottPlot.ImageFormat.Png));
        var area = plot.RenderManager.LastRender.DataRect;
        // The tile is rows 6 … 33 of the 34-row picture (captions above); sample its upper and lower quarter.
        float Row(double pictureRow) => (float)(area.Top + area.Height * pictureRow / 34);
        SKColor upper = image.GetPixel((int)area.HorizontalCenter, (int)Row(6 + 4)), lower = image.GetPixel((int)area.HorizontalCenter, (int)Row(6 + 24));
        Assert.True(Near(upper, 255, 255, 255), $"the blank top of the digit is {upper}, not white");
        Assert.True(Near(lower, 0, 0, 0), $"the inked bottom of the digit is {lower}, not black");
    }

    [Fact]
    public void Confusion_matrix_counts_are_written_in_their_cells_with_category_axes()
    {
        var confusion = new ConfusionMatrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], ["cat", "dog"]);
        var plot = Render(confusion.Plot());
        var texts = plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Select(t => (t.LabelText, t.Location.X, t.Location.Y)).ToArray();
        Assert.Contains(("2", 1.0, 1.0), texts);   // two dogs predicted as dogs: column "dog" (1), row "dog" (1)
        Assert.Contains(("1", 1.0, 0.0), texts);   // one cat predicted as a dog
        Assert.Equal(["cat", "dog"], TickLabels(plot.Axes.Bottom, plot));
        Assert.Equal("predicted", plot.Axes.Bottom.Label.Text);
    }

    [Fact]
    public void Histogram_and_digit_grid_render_without_blank_images_and_contours_as_level_lines()
    {
        var histogram = Chart.Plot(new Histogram { x = Enumerable.Range(0, 500).Select(i => Math.Sin(i)).ToArray() });
        var grid = Enumerable.Range(0, 20).Select(r => Enumerable.Range(0, 30).Select(c => (double)(r * r + c * c)).ToArray()).ToArray();
        var contour = Chart.Plot(new Contour { z = grid, showscale = false, ncontours = 10 });
        var digits = DigitGrid.Plot(MnistSample.Load().Test.Take(6), count: 6, columns: 3);
        var levels = Render(contour).GetPlottables().OfType<ScottPlot.Plottables.ContourLines>().Single();
        Assert.InRange(levels.Lines.Count, 5, 12);
        foreach (var chart in new[] { histogram, digits })
        {
            using var image = Decode(chart.ToPng());
            int inked = CountPixels(image, c => c.Red < 200 || c.Green < 200 || c.Blue < 200);
            Assert.True(inked > image.Width * image.Height / 50, $"{chart.Width}×{chart.Height} image is nearly blank ({inked} dark pixels)");
        }
        var bars = Render(histogram).GetPlottables().OfType<ScottPlot.Plottables.BarPlot>().Single().Bars;
        Assert.Equal(500, bars.Sum(b => b.Value));   // every value counted once
    }

    [Fact]
    public void Live_training_curves_render_before_the_first_batch_and_put_accuracy_on_the_right_axis()
    {
        var curves = new TrainingCurves("live", "test");
        Assert.NotEmpty(curves.Chart().ToPng());   // the empty chart a training cell displays first
        curves.AddBatch(new BatchProgress(1, 1, 2, 1, 2.3, 0.1));
        curves.AddBatch(new BatchProgress(1, 2, 2, 2, 2.1, 0.2));
        curves.AddEpoch(new EpochResult(1, 2.2, 0.15, 2.0, 0.2, 0.1));
        var plot = Render(curves.Chart());
        var accuracy = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Single(s => s.LegendText == "train accuracy (epoch)");
        Assert.Same(plot.Axes.Right, accuracy.Axes.YAxis);
        Assert.Equal((0.0, 1.0), (plot.Axes.Right.Range.Min, plot.Axes.Right.Range.Max));
        Assert.Equal("accuracy", plot.Axes.Right.Label.Text);
    }

    [Fact]
    public void The_palette_png_is_lossless_and_smaller_than_skias()
    {
        using var bitmap = new SKBitmap(300, 200, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < 200; y++)
            for (int x = 0; x < 300; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x % 10 * 20), (byte)(y % 5 * 50), 128));
        byte[] indexed = IndexedPng.Encode(bitmap);
        using var decoded = Decode(indexed);
        Assert.Equal(bitmap.Pixels, decoded.Pixels);
        Assert.True(indexed.Length < bitmap.Encode(SKEncodedImageFormat.Png, 100).Size);
    }

    [Fact]
    public void Past_256_colours_the_rare_ones_take_their_nearest_common_colour()
    {
        using var bitmap = new SKBitmap(256, 3, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int x = 0; x < 256; x++)
            for (int y = 0; y < 3; y++)
                bitmap.SetPixel(x, y, new SKColor((byte)x, 0, 0));   // 256 colours, three pixels each
        bitmap.SetPixel(0, 0, new SKColor(100, 3, 0));               // a 257th, once: nearest is (100, 0, 0)
        using var decoded = Decode(IndexedPng.Encode(bitmap));
        Assert.Equal(new SKColor(100, 0, 0), decoded.GetPixel(0, 0));
        Assert.Equal(new SKColor(0, 0, 0), decoded.GetPixel(0, 1));
        Assert.Equal(new SKColor(255, 0, 0), decoded.GetPixel(255, 2));
    }

    [Fact]
    public void A_trace_type_without_a_static_rendering_is_named_in_the_image_instead_of_failing()
    {
        var chart = Chart.Plot(new Pie { values = new[] { 1, 2 }, labels = new[] { "a", "b" } });
        var note = Render(chart).GetPlottables().OfType<ScottPlot.Plottables.Annotation>().Single();
        Assert.Contains("pie", note.Text);
    }
}
