using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ColorCode;

namespace BookRenderer;

/// <summary>One page of the book: an executed chapter.</summary>
internal sealed record Chapter(string FileName, string Title, string TitleHtml, IReadOnlyList<Heading> Headings, string Body, int ChartCount);

/// <summary>
/// The offline book: a contents page, one page per executed chapter (its Markdown, its highlighted code and every
/// saved output), the chapters' images, and the vendored KaTeX and plotly.js. It is written to a new folder that
/// then replaces the old book, so a failed build never leaves half a book.
/// </summary>
internal static partial class Book
{
    /// <summary>The class of a chart's element in an output (lib/Plotting/ChartHtml.cs writes it).</summary>
    public const string ChartClass = "cnn-chart";

    public sealed record Result(IReadOnlyList<Chapter> Chapters, int ChartCount, int FormulaCount);

    public static Result Build(BookOptions options)
    {
        if (!Directory.Exists(options.NotebooksDirectory) || Directory.GetFiles(options.NotebooksDirectory, "*.ipynb").Length == 0)
            throw new BookException($"No executed chapters in {options.NotebooksDirectory}. Run them first: dotnet run --project tools/NotebookRunner");
        var staging = options.OutputDirectory.TrimEnd(Path.DirectorySeparatorChar) + $".partial-{Guid.NewGuid():N}";
        try
        {
            var assets = Path.Combine(staging, "assets");
            Directory.CreateDirectory(assets);
            Vendor.CopyInto(options.VendorDirectory, assets);
            foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "assets")))
                File.Copy(file, Path.Combine(assets, Path.GetFileName(file)), overwrite: true);
            var code = new HtmlClassFormatter();
            File.WriteAllText(Path.Combine(assets, "code.css"), code.GetCSSString());

            var chapters = new List<Chapter>();
            int formulas = 0;
            foreach (var path in Directory.GetFiles(options.NotebooksDirectory, "*.ipynb").Order(StringComparer.Ordinal))
            {
                var (chapter, count) = Render(path, options.SourceDirectory, staging, code);
                chapters.Add(chapter);
                formulas += count;
            }
            for (int i = 0; i < chapters.Count; i++)
            {
                var navigation = Page.Navigation(i > 0 ? chapters[i - 1] : null, i + 1 < chapters.Count ? chapters[i + 1] : null);
                File.WriteAllText(Path.Combine(staging, chapters[i].FileName),
                    Page.Wrap($"{chapters[i].Title} · {Page.BookTitle}", navigation, chapters[i].Body));
            }
            File.WriteAllText(Path.Combine(staging, "index.html"),
                Page.Wrap(Page.BookTitle, Page.Navigation(null, chapters.FirstOrDefault()), Contents(chapters)));

            if (Directory.Exists(options.OutputDirectory)) Directory.Delete(options.OutputDirectory, recursive: true);
            Directory.Move(staging, options.OutputDirectory);
            return new Result(chapters, chapters.Sum(c => c.ChartCount), formulas);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static (Chapter, int Formulas) Render(string path, string sourceDirectory, string staging, HtmlClassFormatter code)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        var markdown = new MarkdownCells(Path.GetFileName(path), sourceDirectory, (file, imageName) =>
        {
            Directory.CreateDirectory(Path.Combine(staging, "images"));
            File.Copy(file, Path.Combine(staging, "images", imageName), overwrite: true);
        });
        var body = new StringBuilder();
        int charts = 0;
        foreach (var cell in Notebook.Read(path))
        {
            if (cell.Type == "markdown")
            {
                body.Append("<section class=\"cell markdown\">\n").Append(markdown.Render(cell.Source)).Append("</section>\n");
            }
            else if (cell.Type == "code")
            {
                string outputs = Outputs.Render(cell.Outputs, markdown.Render);
                charts += Regex.Count(outputs, $"class=\"{ChartClass}\"");
                body.Append("<section class=\"cell code\">\n<div class=\"input\">")
                    .Append(code.GetHtmlString(cell.Source, Languages.CSharp))
                    .Append("</div>\n");
                if (outputs.Length > 0) body.Append("<div class=\"outputs\">\n").Append(outputs).Append("</div>\n");
                body.Append("</section>\n");
            }
        }
        var title = markdown.Headings.FirstOrDefault(h => h.Level == 1);
        string titleHtml = title?.Html ?? WebUtility.HtmlEncode(name);
        return (new Chapter(name + ".html", PlainText(titleHtml), titleHtml, markdown.Headings, body.ToString(), charts), markdown.FormulaCount);
    }

    /// <summary>The contents: each chapter and its sections (second-level headings), linked.</summary>
    private static string Contents(IReadOnlyList<Chapter> chapters)
    {
        var html = new StringBuilder($"<h1>{Page.BookTitle}</h1>\n");
        html.Append("<p>The course rendered with every cell's output, as the runner executed it. The charts are interactive; ")
            .Append("without scripts they show their static image. Everything here works offline.</p>\n");
        html.Append("<h2 id=\"contents\">Contents</h2>\n<ol class=\"toc\">\n");
        foreach (var chapter in chapters)
        {
            html.Append($"<li><a href=\"{chapter.FileName}\">{chapter.TitleHtml}</a>");
            var sections = chapter.Headings.Where(h => h.Level == 2).ToList();
            if (sections.Count > 0)
            {
                html.Append("\n<ul>\n");
                foreach (var s in sections) html.Append($"<li><a href=\"{chapter.FileName}#{s.Id}\">{s.Html}</a></li>\n");
                html.Append("</ul>\n");
            }
            html.Append("</li>\n");
        }
        html.Append("</ol>\n");
        return html.ToString();
    }

    private static string PlainText(string html) => WebUtility.HtmlDecode(Tag().Replace(html, ""));

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();
}
