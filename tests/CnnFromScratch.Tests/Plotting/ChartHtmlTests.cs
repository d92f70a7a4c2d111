using System.Text.Json;
using System.Text.RegularExpressions;
using CnnFromScratch.Plotting;
using SkiaSharp;
using XPlot.Plotly;

namespace CnnFromScratch.Tests.Plotting;

/// <summary>The one HTML output a chart cell produces: the static image for viewers without scripts, the interactive chart for the rest.</summary>
public sealed partial class ChartHtmlTests
{
    private static PlotlyChart Sample(string title = "Loss per epoch")
    {
        var chart = Chart.Plot(new Scatter { x = new[] { 1, 2, 3 }, y = new[] { 2.302585092994046, 1.5, 0.7 }, name = "loss" });
        chart.WithTitle(title);
        chart.WithXTitle("epoch");
        chart.WithSize(700, 400);
        return chart;
    }

    [Fact]
    public void The_html_holds_the_static_png_at_the_chart_size_inside_the_chart_element()
    {
        string html = Sample().ToHtml();
        var match = ImageTag().Match(html);
        Assert.True(match.Success, "no <img> with a PNG data URI");
        Assert.Contains("width=\"700\" height=\"400\"", match.Value);
        Assert.Contains("alt=\"Loss per epoch\"", match.Value);
        using var image = SKBitmap.Decode(Convert.FromBase64String(match.Groups[1].Value));
        Assert.Equal((700, 400), (image.Width, image.Height));
        Assert.StartsWith($"<div class=\"{ChartHtml.CssClass}\"", html);
    }

    [Fact]
    public void The_script_carries_the_figure_with_numbers_to_6_digits_and_keeps_string_titles()
    {
        string html = Sample().ToHtml();
        var figure = JsonDocument.Parse(FigureJson().Match(html).Groups[1].Value).RootElement;
        Assert.Equal([2.30259, 1.5, 0.7], figure.GetProperty("data")[0].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        // plotly.js 1.x reads plain-string titles; the figure must reach it unchanged.
        Assert.Equal("Loss per epoch", figure.GetProperty("layout").GetProperty("title").GetString());
        Assert.Equal("epoch", figure.GetProperty("layout").GetProperty("xaxis").GetProperty("title").GetString());
    }

    [Fact]
    public void A_title_cannot_close_the_script_or_break_the_image_tag()
    {
        string html = Sample("a</script><b>\"x\" & y").ToHtml();
        int scriptStart = html.IndexOf("<script", StringComparison.Ordinal);
        Assert.Equal(html.Length - "</script>".Length, html.IndexOf("</script>", scriptStart, StringComparison.Ordinal));
        Assert.Contains("alt=\"a&lt;/script&gt;&lt;b&gt;&quot;x&quot; &amp; y\"", html);
    }

    [Fact]
    public void Each_output_gets_its_own_element_id_so_one_chart_can_be_shown_twice()
    {
        var chart = Sample();
        Assert.NotEqual(ElementId().Match(chart.ToHtml()).Value, ElementId().Match(chart.ToHtml()).Value);
    }

    [Fact]
    public void The_loader_prefers_the_pages_plotly_and_falls_back_to_the_pinned_1x_build()
    {
        string html = Sample().ToHtml();
        Assert.Contains("if (window.Plotly) draw(window.Plotly);", html);
        Assert.Contains($"https://cdn.plot.ly/plotly-{ChartHtml.PlotlyVersion}.min", html);
        Assert.StartsWith("1.", ChartHtml.PlotlyVersion);
    }

    [GeneratedRegex("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"[^>]*>")]
    private static partial Regex ImageTag();

    [GeneratedRegex(@"figure = (\{.*\});\n")]
    private static partial Regex FigureJson();

    [GeneratedRegex("id=\"cnn-chart-[0-9a-f]{32}\"")]
    private static partial Regex ElementId();
}
