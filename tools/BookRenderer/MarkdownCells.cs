using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace BookRenderer;

/// <summary>A heading of a chapter: its level, its anchor on the page and its inline HTML (which may hold math).</summary>
internal sealed record Heading(int Level, string Id, string Html);

/// <summary>
/// The Markdown cells of one chapter, rendered by Markdig with the extensions the course writes in: pipe tables,
/// <c>$…$</c> and <c>$$…$$</c> math (left as <c>span.math</c>/<c>div.math</c> for KaTeX), heading anchors. Headings get
/// anchors unique on the page; images are copied into the book and their links rewritten.
/// </summary>
internal sealed partial class MarkdownCells(string chapterName, string sourceDirectory, Action<string, string> copyImage)
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    public List<Heading> Headings { get; } = [];

    /// <summary>The number of formulas rendered so far.</summary>
    public int FormulaCount { get; private set; }

    public string Render(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            var attributes = heading.GetAttributes();
            string id = attributes.Id ?? "section";
            for (int n = 1; !_ids.Add(id); n++) id = $"{attributes.Id}-{n}";   // as Markdig names repeats within one cell
            attributes.Id = id;
            Headings.Add(new Heading(heading.Level, id, InlineHtml(heading.Inline)));
        }
        foreach (var link in document.Descendants<LinkInline>().Where(l => l.IsImage && l.Url is not null))
            link.Url = Image(link.Url!);
        FormulaCount += document.Descendants<Markdig.Extensions.Mathematics.MathInline>().Count()
                        + document.Descendants<Markdig.Extensions.Mathematics.MathBlock>().Count();
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.ObjectRenderers.Replace<Markdig.Extensions.Mathematics.HtmlMathInlineRenderer>(new DisplayAwareMathRenderer());
        renderer.Render(document);
        writer.Flush();
        return MathFollowedByLetter(writer.ToString());
    }

    private const string MathOpen = "<span class=\"math\">\\(", MathClose = "\\)</span>";

    /// <summary>
    /// <c>$\delta$s</c>: VS Code (markdown-it-katex), which the chapters are written for, typesets a formula whose
    /// closing <c>$</c> is followed by a letter; Markdig leaves it as text. Such formulas are wrapped as Markdig wraps
    /// the others, outside code.
    /// </summary>
    private string MathFollowedByLetter(string html) =>
        string.Concat(CodeOrText().Split(html).Select((part, i) => i % 2 == 1 ? part
            : LetterAfterMath().Replace(part, m =>
            {
                FormulaCount++;
                return MathOpen + m.Groups[1].Value + MathClose;
            })));

    [System.Text.RegularExpressions.GeneratedRegex("(<pre[\\s\\S]*?</pre>|<code[\\s\\S]*?</code>)")]
    private static partial System.Text.RegularExpressions.Regex CodeOrText();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\\$\w])\$([^\s$<>][^$<>\n]*?)\$(?=\p{L})")]
    private static partial System.Text.RegularExpressions.Regex LetterAfterMath();

    /// <summary>An image next to the chapter (e.g. <c>../images/network.svg</c>): copied to <c>images/</c> in the book.</summary>
    private string Image(string url)
    {
        if (url.Contains("://", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal))
            return url;   // the offline test reports any image that is not part of the book
        string path = Path.GetFullPath(Path.Combine(sourceDirectory, Uri.UnescapeDataString(url)));
        if (!File.Exists(path))
            throw new BookException($"{chapterName} shows the image '{url}', but {path} does not exist.");
        string name = Path.GetFileName(path);
        copyImage(path, name);
        return "images/" + Uri.EscapeDataString(name);
    }

    private static string InlineHtml(ContainerInline? inline)
    {
        if (inline is null) return "";
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.WriteChildren(inline);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>
    /// <c>$$…$$</c> on one line is display math (VS Code shows it on a line of its own), but Markdig writes it like
    /// <c>$…$</c>; this keeps it apart as <c>span.math.display</c> with <c>\[…\]</c> so KaTeX typesets it in display mode.
    /// </summary>
    private sealed class DisplayAwareMathRenderer : HtmlObjectRenderer<Markdig.Extensions.Mathematics.MathInline>
    {
        protected override void Write(HtmlRenderer renderer, Markdig.Extensions.Mathematics.MathInline math)
        {
            bool display = math.DelimiterCount >= 2;
            renderer.Write(display ? "<span class=\"math display\">\\[" : "<span class=\"math\">\\(");
            renderer.WriteEscape(ref math.Content);
            renderer.Write(display ? "\\]</span>" : "\\)</span>");
        }
    }
}
