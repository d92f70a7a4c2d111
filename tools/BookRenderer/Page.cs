using System.Text;

namespace BookRenderer;

/// <summary>The HTML page around a chapter or the contents: the vendored scripts, the stylesheets and the navigation.</summary>
internal static class Page
{
    public const string BookTitle = "CNN from Scratch in C#";

    /// <summary>
    /// plotly.js loads first and synchronously, so each chart's own script finds <c>window.Plotly</c> as the page is
    /// parsed and never reaches for a CDN; KaTeX and the book's script run once the page is parsed.
    /// </summary>
    public static string Wrap(string title, string navigation, string body)
    {
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Outputs.Escape(title)}</title>
            <link rel="stylesheet" href="assets/katex/katex.min.css">
            <link rel="stylesheet" href="assets/code.css">
            <link rel="stylesheet" href="assets/book.css">
            <script src="assets/plotly.min.js"></script>
            <script defer src="assets/katex/katex.min.js"></script>
            <script defer src="assets/book.js"></script>
            </head>
            <body>
            {navigation}
            <main>

            """);
        html.Append(body);
        html.Append($"""
            </main>
            {navigation}
            </body>
            </html>

            """);
        return html.ToString();
    }

    /// <summary>Contents, the previous and the next chapter.</summary>
    public static string Navigation(Chapter? previous, Chapter? next)
    {
        string Link(Chapter? chapter, string rel, string arrow) => chapter is null ? $"<span class=\"{rel}\"></span>"
            : $"<a class=\"{rel}\" rel=\"{rel}\" href=\"{chapter.FileName}\">{(rel == "prev" ? arrow + " " : "")}{chapter.TitleHtml}{(rel == "next" ? " " + arrow : "")}</a>";
        return $"<nav class=\"chapter-nav\">{Link(previous, "prev", "←")}<a class=\"contents\" href=\"index.html\">Contents</a>{Link(next, "next", "→")}</nav>";
    }
}
