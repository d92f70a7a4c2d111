using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Formatting;
using NotebookRunner.Notebooks;

namespace NotebookRunner.Worker;

/// <summary>Turns a value into the mime bundle of a <c>display_data</c> / <c>execute_result</c>, through the Formatter.</summary>
internal static class MimeBundle
{
    public const string Html = "text/html";
    public const string PlainText = "text/plain";

    /// <summary>
    /// Formats a value for the given mime types; by default text/html and text/plain, except strings and null,
    /// which the kernel showed as plain text only.
    /// </summary>
    public static JsonObject Format(object? value, IReadOnlyCollection<string> mimeTypes)
    {
        if (mimeTypes.Count == 0)
            mimeTypes = value is null or string ? [PlainText] : [Html, PlainText];
        var data = new JsonObject();
        foreach (var mime in mimeTypes)
            data[mime] = Notebook.ToLines(Formatter.ToDisplayString(value, mime).ReplaceLineEndings("\n"));
        return data;
    }
}
