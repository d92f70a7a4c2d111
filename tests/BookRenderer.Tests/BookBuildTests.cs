using System.Text.Json.Nodes;
using CnnFromScratch.Plotting;
using XPlot.Plotly;

namespace BookRenderer.Tests;

/// <summary>The book built from small executed notebooks: pages, contents, navigation, code, outputs, math, images, errors.</summary>
public sealed class BookBuildTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "book-build-tests", Guid.NewGuid().ToString("N"));
    private string Executed => Path.Combine(_work, "executed");
    private string Source => Path.Combine(_work, "notebooks");
    private string Vendor => Path.Combine(_work, "node_modules");
    private string Out => Path.Combine(_work, "book");

    public BookBuildTests()
    {
        Directory.CreateDirectory(Executed);
        Directory.CreateDirectory(Path.Combine(_work, "images"));
        Directory.CreateDirectory(Source);
        File.WriteAllText(Path.Combine(_work, "images", "net.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        // The two packages as npm lays them out, with the files the book copies.
        WritePackage("katex", "0.19.1", "dist/katex.min.js", "dist/katex.min.css", "dist/fonts/KaTeX_Main-Regular.woff2");
        WritePackage("plotly.js-dist-min", "1.58.5", "plotly.min.js");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private void WritePackage(string name, string version, params string[] files)
    {
        var folder = Path.Combine(Vendor, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "package.json"), new JsonObject { ["name"] = name, ["version"] = version }.ToJsonString());
        foreach (var file in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, file))!);
            File.WriteAllText(Path.Combine(folder, file), $"/* {name} {file} */");
        }
    }

    private static JsonObject Markdown(string source) => new() { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = source };

    private static JsonObject Code(string source, params JsonObject[] outputs) => new()
    {
        ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["source"] = new JsonArray(source.Split('\n').Select(l => (JsonNode)l).ToArray()),
        ["outputs"] = new JsonArray(outputs), ["execution_count"] = 1,
    };

    private static JsonObject Html(string html) => new() { ["output_type"] = "display_data", ["data"] = new JsonObject { ["text/html"] = html, ["text/plain"] = "x" }, ["metadata"] = new JsonObject() };

    private void WriteNotebook(string name, params JsonObject[] cells) =>
        File.WriteAllText(Path.Combine(Executed, name), new JsonObject { ["cells"] = new JsonArray(cells), ["nbformat"] = 4, ["nbformat_minor"] = 5, ["metadata"] = new JsonObject() }.ToJsonString());

    private Book.Result Build() => Book.Build(new BookOptions(Executed, Source, Vendor, Out));

    private string Read(string page) => File.ReadAllText(Path.Combine(Out, page));

    private void WriteTwoChapters()
    {
        var chart = Chart.Plot(new Scatter { x = new[] { 1, 2 }, y = new[] { 3, 4 } });
        chart.WithTitle("A chart");
        WriteNotebook("01-first.ipynb",
            Markdown("# Chapter 1: first\n\nThe loss $J = -\\ln p$ and its $\\delta$s.\n\n$$\\frac{\\partial J}{\\partial z} = p - y$$\n\n![the network](../images/net.svg)\n\n## A section\n\nText.\n\n## A section"),
            Code("var x = 1; // one\nConsole.WriteLine(\"<hi>\");",
                new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray("<hi> & bye\n") },
                Html("<table><tr><td>7</td></tr></table>"),
                Html(chart.ToHtml()),
                new JsonObject { ["output_type"] = "error", ["ename"] = "ArgumentException", ["evalue"] = "bad shape", ["traceback"] = new JsonArray("\u001b[31mat Conv2d\u001b[0m") }));
        WriteNotebook("02-second.ipynb", Markdown("# Chapter 2: second\n\n## Only section"), Code("int y = 2;"));
    }

    [Fact]
    public void Contents_lists_each_chapter_with_its_sections_and_pages_link_to_their_neighbours()
    {
        WriteTwoChapters();
        var book = Build();
        Assert.Equal(["01-first.html", "02-second.html"], book.Chapters.Select(c => c.FileName));
        string index = Read("index.html");
        Assert.Contains("<a href=\"01-first.html\">Chapter 1: first</a>", index);
        Assert.Contains("<a href=\"01-first.html#a-section\">A section</a>", index);
        Assert.Contains("<a href=\"01-first.html#a-section-1\">A section</a>", index);   // a repeated heading gets its own anchor
        Assert.Contains("<a href=\"02-second.html#only-section\">Only section</a>", index);
        string first = Read("01-first.html"), second = Read("02-second.html");
        Assert.Contains("rel=\"next\" href=\"02-second.html\"", first);
        Assert.DoesNotContain("rel=\"prev\"", first);
        Assert.Contains("rel=\"prev\" href=\"01-first.html\"", second);
        Assert.Contains("<title>Chapter 1: first ", first);
    }

    [Fact]
    public void Code_is_highlighted_outputs_are_kept_and_text_is_escaped()
    {
        WriteTwoChapters();
        var book = Build();
        string page = Read("01-first.html");
        Assert.Matches("<span class=\"keyword\">var</span>", page);
        Assert.Contains("<pre class=\"output stdout\">&lt;hi&gt; &amp; bye\n</pre>", page);
        Assert.Contains("<table><tr><td>7</td></tr></table>", page);
        Assert.Contains("<pre class=\"output error\">ArgumentException: bad shape\nat Conv2d</pre>", page);   // ANSI colours removed
        Assert.Equal(1, book.ChartCount);
        Assert.Contains($"class=\"{ChartHtml.CssClass}\"", page);
        Assert.Equal(Book.ChartClass, ChartHtml.CssClass);
    }

    [Fact]
    public void Math_is_left_for_katex_including_a_formula_followed_by_a_letter_as_vs_code_reads_it()
    {
        WriteTwoChapters();
        var book = Build();
        string page = Read("01-first.html");
        Assert.Contains("<span class=\"math\">\\(J = -\\ln p\\)</span>", page);
        Assert.Contains("<span class=\"math\">\\(\\delta\\)</span>s", page);
        Assert.Contains("<span class=\"math display\">\\[\\frac{\\partial J}{\\partial z} = p - y\\]</span>", page);
        Assert.Equal(3, book.FormulaCount);
        Assert.DoesNotContain("$", page[page.IndexOf("<main>", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Images_and_vendored_scripts_are_copied_into_the_book()
    {
        WriteTwoChapters();
        Build();
        Assert.Contains("<img src=\"images/net.svg\" alt=\"the network\"", Read("01-first.html"));
        foreach (var file in new[] { "images/net.svg", "assets/plotly.min.js", "assets/katex/katex.min.js", "assets/katex/katex.min.css",
                                     "assets/katex/fonts/KaTeX_Main-Regular.woff2", "assets/book.js", "assets/book.css", "assets/code.css" })
            Assert.True(File.Exists(Path.Combine(Out, file)), $"{file} is missing from the book");
        string head = Read("index.html");
        Assert.True(head.IndexOf("assets/plotly.min.js", StringComparison.Ordinal) < head.IndexOf("<main>", StringComparison.Ordinal),
            "plotly.js must load before the outputs' scripts run");
    }

    [Fact]
    public void A_missing_image_a_plotly_2_and_no_executed_chapters_are_errors_that_say_what_to_do()
    {
        var none = Assert.Throws<BookException>(Build);
        Assert.Contains("dotnet run --project tools/NotebookRunner", none.Message);

        WriteNotebook("01-first.ipynb", Markdown("# One\n\n![gone](../images/missing.svg)"));
        var image = Assert.Throws<BookException>(Build);
        Assert.Contains("01-first.ipynb shows the image '../images/missing.svg'", image.Message);

        WriteNotebook("01-first.ipynb", Markdown("# One"));
        WritePackage("plotly.js-dist-min", "3.0.1", "plotly.min.js");
        var plotly = Assert.Throws<BookException>(Build);
        Assert.Contains("1.x", plotly.Message);
        Assert.False(Directory.Exists(Out), "a failed build must leave no half-built book");
    }
}
