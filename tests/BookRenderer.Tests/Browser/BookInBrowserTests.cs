using System.Text.Json.Nodes;
using CnnFromScratch.Plotting;

namespace BookRenderer.Tests.Browser;

/// <summary>
/// The book read in a real browser, offline: every page makes no request outside the book and logs no error, every
/// chart is drawn by plotly.js at its size with its title and axis titles, every formula is typeset by KaTeX; with
/// scripts off, every chart still shows its static image. Screenshots go to artifacts/book-screenshots/.
/// </summary>
public sealed class BookInBrowserTests(BookFixture book) : IClassFixture<BookFixture>
{
    private const int ViewportWidth = 1280;

    private static void SkipUnlessReady()
    {
        if (BookFixture.Missing is { } missing)
        {
            Assert.False(BookFixture.InCi, $"CI=true, but: {missing}");
            Skip.If(true, missing);
        }
    }

    private IEnumerable<string> Pages => new[] { "index.html" }.Concat(book.Book!.Chapters.Select(c => c.FileName));

    private async Task<PageSession> Open(string page, bool scripts)
    {
        var tab = await book.Browser!.NewPageAsync();
        foreach (var domain in new[] { "Network.enable", "Runtime.enable", "Log.enable", "Page.enable" }) await tab.SendAsync(domain);
        await tab.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = ViewportWidth, ["height"] = 900, ["deviceScaleFactor"] = 1, ["mobile"] = false });
        if (!scripts) await tab.SendAsync("Emulation.setScriptExecutionDisabled", new JsonObject { ["value"] = true });
        await tab.NavigateAsync(new Uri(Path.Combine(book.BookDirectory, page)).AbsoluteUri);
        return tab;
    }

    private async Task Screenshot(PageSession tab, string page, string suffix)
    {
        Directory.CreateDirectory(book.ScreenshotDirectory);
        await File.WriteAllBytesAsync(Path.Combine(book.ScreenshotDirectory, Path.GetFileNameWithoutExtension(page) + suffix + ".png"),
            await tab.ScreenshotAsync(ViewportWidth, 12000));
    }

    // Each chart: the size it should have, what plotly.js drew, and the titles it shows against those in its figure.
    private const string ChartsDrawn = """
        (async () => {
          const text = t => t == null ? "" : (typeof t === "string" ? t : (t.text || ""));
          const charts = [...document.querySelectorAll(".cnn-chart")];
          for (let i = 0; i < 300 && charts.some(c => !c.querySelector(".js-plotly-plot .main-svg")); i++)
            await new Promise(r => setTimeout(r, 100));
          return charts.map(c => {
            const gd = c.querySelector(".js-plotly-plot");
            const svg = gd && gd.querySelector(".main-svg");
            const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
            const marks = gd ? [...gd.querySelectorAll(".cartesianlayer .plot path, .cartesianlayer .plot image, .cartesianlayer .plot text")]
              .filter(e => e.tagName === "image" ? (e.getAttribute("href") || e.getAttribute("xlink:href") || "").length > 0
                                                 : e.tagName === "text" ? e.textContent.length > 0 : (e.getAttribute("d") || "").length > 4).length : 0;
            const layout = gd ? gd.layout : {};
            const shown = sel => { const e = gd && gd.querySelector(sel); return e ? e.textContent : ""; };
            return { id: c.id, width: +c.dataset.width, height: +c.dataset.height, drawnWidth: Math.round(box.width), drawnHeight: Math.round(box.height),
                     marks, imageLeft: !!c.querySelector("img"),
                     title: text(layout.title), shownTitle: shown(".gtitle"),
                     xTitle: text((layout.xaxis || {}).title), shownXTitle: shown(".xtitle"),
                     yTitle: text((layout.yaxis || {}).title), shownYTitle: shown(".ytitle") };
          });
        })()
        """;

    // Formulas KaTeX did not typeset, and $…$ left in the prose (code and outputs are not prose).
    private const string MathTypeset = """
        (() => {
          const formulas = [...document.querySelectorAll(".math")];
          const prose = document.querySelector("main").cloneNode(true);
          prose.querySelectorAll("pre, code, .katex, script, .outputs, .input").forEach(e => e.remove());
          return { formulas: formulas.length,
                   untypeset: formulas.filter(f => !f.querySelector(".katex")).map(f => f.textContent.slice(0, 60)),
                   errors: document.querySelectorAll(".katex-error, .math-error").length,
                   raw: (prose.textContent.match(/\$[^$\n]{1,80}\$|\\\(|\\\[/g) || []).slice(0, 5) };
        })()
        """;

    [SkippableFact]
    public async Task Every_page_loads_offline_with_no_error_every_chart_drawn_with_its_titles_and_every_formula_typeset()
    {
        SkipUnlessReady();
        var problems = new List<string>();
        string site = new Uri(book.BookDirectory + Path.DirectorySeparatorChar).AbsoluteUri;
        int charts = 0, formulas = 0;
        foreach (var page in Pages)
        {
            var tab = await Open(page, scripts: true);
            foreach (var chart in (await tab.EvaluateAsync(ChartsDrawn))!.AsArray().Select(c => c!.AsObject()))
            {
                charts++;
                string where = $"{page} chart \"{chart["title"]}\"";
                int width = (int)chart["width"]!, height = (int)chart["height"]!;
                if ((int)chart["drawnWidth"]! != width || (int)chart["drawnHeight"]! != height)
                    problems.Add($"{where}: drawn {chart["drawnWidth"]}×{chart["drawnHeight"]}, expected {width}×{height}");
                if ((int)chart["marks"]! == 0) problems.Add($"{where}: plotly.js drew nothing in the plot area");
                if ((bool)chart["imageLeft"]!) problems.Add($"{where}: the static image was not replaced by the interactive chart");
                foreach (var (expected, shown) in new[] { ("title", "shownTitle"), ("xTitle", "shownXTitle"), ("yTitle", "shownYTitle") })
                    if ((string)chart[expected]! != (string)chart[shown]!)
                        problems.Add($"{where}: {expected} \"{chart[expected]}\" is shown as \"{chart[shown]}\"");
            }
            var math = (await tab.EvaluateAsync(MathTypeset))!.AsObject();
            if (page != "index.html") formulas += (int)math["formulas"]!;   // the contents repeat the headings' formulas
            foreach (var f in math["untypeset"]!.AsArray()) problems.Add($"{page}: formula not typeset: {f}");
            if ((int)math["errors"]! > 0) problems.Add($"{page}: {math["errors"]} formulas KaTeX could not typeset");
            foreach (var raw in math["raw"]!.AsArray()) problems.Add($"{page}: raw math left in the text: {raw}");
            await Screenshot(tab, page, "");
            foreach (var url in tab.Requests.Where(u => !u.StartsWith(site, StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal)))
                problems.Add($"{page}: requested {url}, outside the book");
            foreach (var error in tab.Errors) problems.Add($"{page}: {error}");
            await tab.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(book.Book!.ChartCount, charts);
        Assert.Equal(book.Book!.FormulaCount, formulas);
        Assert.True(charts >= book.Book!.Chapters.Count, $"only {charts} charts in {book.Book!.Chapters.Count} chapters");
    }

    [SkippableFact]
    public async Task With_scripts_off_every_chart_shows_its_static_image_at_its_size()
    {
        SkipUnlessReady();
        var problems = new List<string>();
        int charts = 0;
        foreach (var page in book.Book!.Chapters.Select(c => c.FileName))
        {
            var tab = await Open(page, scripts: false);
            var images = (await tab.EvaluateAsync($$"""
                [...document.querySelectorAll(".{{ChartHtml.CssClass}}")].map(c => {
                  const img = c.querySelector("img");
                  return { width: +c.dataset.width, height: +c.dataset.height, plotted: !!c.querySelector(".js-plotly-plot"),
                           image: !!img, complete: !!img && img.complete, naturalWidth: img ? img.naturalWidth : 0, naturalHeight: img ? img.naturalHeight : 0,
                           shownWidth: img ? Math.round(img.getBoundingClientRect().width) : 0,
                           // a chart wider than the column is scaled down to fit it, as the interactive one scrolls
                           fitWidth: Math.min(+c.dataset.width, Math.floor(c.parentElement.getBoundingClientRect().width)) };
                })
                """))!.AsArray();
            foreach (var chart in images.Select(c => c!.AsObject()))
            {
                charts++;
                string where = $"{page} chart {charts}";
                if ((bool)chart["plotted"]!) problems.Add($"{where}: scripts are off, yet plotly.js ran");
                if (!(bool)chart["image"]! || !(bool)chart["complete"]!) problems.Add($"{where}: no static image shown");
                else if ((int)chart["naturalWidth"]! != (int)chart["width"]! || (int)chart["naturalHeight"]! != (int)chart["height"]! || Math.Abs((int)chart["shownWidth"]! - (int)chart["fitWidth"]!) > 1)
                    problems.Add($"{where}: the image is {chart["naturalWidth"]}×{chart["naturalHeight"]} shown {chart["shownWidth"]} wide (room: {chart["fitWidth"]}), the chart {chart["width"]}×{chart["height"]}");
            }
            await Screenshot(tab, page, "-no-scripts");
            await tab.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(book.Book!.ChartCount, charts);
    }
}
