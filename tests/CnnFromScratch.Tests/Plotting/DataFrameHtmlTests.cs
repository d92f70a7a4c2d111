using CnnFromScratch.Plotting;
using Microsoft.Data.Analysis;

namespace CnnFromScratch.Tests.Plotting;

public sealed class DataFrameHtmlTests
{
    private static DataFrame Frame(int rows) => new(
        new StringDataFrameColumn("class <name>", Enumerable.Range(0, rows).Select(i => $"digit {i} & co")),
        new Int32DataFrameColumn("count", Enumerable.Range(0, rows).Select(i => i * 10)),
        new DoubleDataFrameColumn("share", Enumerable.Range(0, rows).Select(i => i / 4.0)));

    [Fact]
    public void Every_cell_becomes_an_escaped_table_cell_with_numbers_right_aligned()
    {
        string html = Frame(2).ToHtml();
        Assert.Contains("<thead><tr><th>class &lt;name&gt;</th><th>count</th><th>share</th></tr></thead>", html);
        Assert.Contains("<tr><td>digit 1 &amp; co</td><td style=\"text-align:right\">10</td><td style=\"text-align:right\">0.25</td></tr>", html);
        Assert.DoesNotContain("more rows", html);
    }

    [Fact]
    public void Long_frames_are_cut_and_say_how_many_rows_were_left_out()
    {
        string html = Frame(12).ToHtml(maxRows: 5);
        Assert.Equal(5 + 1, html.Split("<tr>").Length - 1); // five rows and the header
        Assert.Contains("… 7 more rows (12 in all)", html);
    }
}
