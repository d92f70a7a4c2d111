using CnnFromScratch.Plotting;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Tests.Plotting;

public sealed class ImageHeatmapTests
{

    [Fact]
    public void A_signed_map_gets_limits_symmetric_about_zero_and_white_in_the_middle()
    {
        var map = Tensor.From(new float[,] { { -1, 0, 3 }, { 0, 2, 0 } });
        var (trace, layout) = ChartJson.Parse(ImageHeatmap.Plot(map, "edges"));
        Assert.Equal(-3, trace.GetProperty("zmin").GetDouble());
        Assert.Equal(3, trace.GetProperty("zmax").GetDouble());
        Assert.Equal("rgb(255,255,255)", trace.GetProperty("colorscale")[1][1].GetString());
        Assert.Equal(3, trace.GetProperty("z")[0][2].GetDouble()); // row 0, column 2
        Assert.Equal("edges", layout.GetProperty("title").GetString());
        Assert.Equal("column j", layout.GetProperty("xaxis").GetProperty("title").GetString());
        Assert.Equal("row i", layout.GetProperty("yaxis").GetProperty("title").GetString());
        Assert.Equal("reversed", layout.GetProperty("yaxis").GetProperty("autorange").GetString());
    }

    [Fact]
    public void A_non_negative_map_is_drawn_as_dark_ink_on_white()
    {
        var (trace, _) = ChartJson.Parse(ImageHeatmap.Plot(new Tensor(1, 1, 2, 2).Fill(0.5f), "blur"));
        Assert.Equal(0, trace.GetProperty("zmin").GetDouble());
        Assert.Equal(0.5, trace.GetProperty("zmax").GetDouble());
        Assert.Equal("rgb(255,255,255)", trace.GetProperty("colorscale")[0][1].GetString());
        Assert.Equal("rgb(0,0,0)", trace.GetProperty("colorscale")[1][1].GetString());
    }

    [Fact]
    public void A_small_map_keeps_a_readable_plot_area_and_the_chart_box_is_as_large_as_the_layout()
    {
        var chart = ImageHeatmap.Plot(new Tensor(12, 12).Fill(1f), "pooled");
        var (_, layout) = ChartJson.Parse(chart);
        double plotHeight = layout.GetProperty("height").GetDouble()
                            - layout.GetProperty("margin").GetProperty("t").GetDouble() - layout.GetProperty("margin").GetProperty("b").GetDouble();
        Assert.True(plotHeight >= 240, $"plot area only {plotHeight} px high");
        // The <div> the chart is drawn in must not clip the layout.
        Assert.Equal((int)layout.GetProperty("height").GetDouble(), chart.Height);
        Assert.Equal((int)layout.GetProperty("width").GetDouble(), chart.Width);
    }

    [Fact]
    public void A_channel_of_a_batch_is_picked_by_sample_and_channel()
    {
        var maps = new Tensor(2, 3, 2, 2);
        maps[1, 2, 1, 0] = 7;
        var (trace, _) = ChartJson.Parse(ImageHeatmap.Plot(maps, sample: 1, channel: 2, "map"));
        Assert.Equal(7, trace.GetProperty("z")[1][0].GetDouble());
    }

    [Fact]
    public void A_batch_or_a_wrong_index_is_rejected_with_a_message_that_says_what_to_do()
    {
        var maps = new Tensor(2, 3, 4, 4);
        Assert.Contains("Plot(maps, sample, channel, title)", Assert.Throws<ArgumentException>(() => ImageHeatmap.Plot(maps, "x")).Message);
        Assert.Contains("3 channels", Assert.Throws<ArgumentOutOfRangeException>(() => ImageHeatmap.Plot(maps, 0, 3, "x")).Message);
    }
}
