using System.Text.Json;
using System.Text.Json.Nodes;

namespace BookRenderer;

/// <summary>One cell of an executed notebook: its kind, its source and (for code) its outputs as nbformat JSON.</summary>
internal sealed record NotebookCell(string Type, string Source, JsonArray Outputs);

/// <summary>An executed .ipynb (nbformat 4), read strictly enough to name what is wrong with a broken one.</summary>
internal static class Notebook
{
    public static IReadOnlyList<NotebookCell> Read(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new BookException($"{path} is not valid notebook JSON ({e.Message}); run the chapter again with tools/NotebookRunner.");
        }
        if (root?["cells"] is not JsonArray cells)
            throw new BookException($"{path} has no \"cells\" list; is it an nbformat 4 notebook?");
        return cells.OfType<JsonObject>().Select(c => new NotebookCell(
            c["cell_type"]?.GetValue<string>() ?? "raw",
            Text(c["source"]),
            c["outputs"] as JsonArray ?? [])).ToList();
    }

    /// <summary>nbformat's multi-line strings: one string, or a list of lines to join.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        JsonValue value when value.TryGetValue(out string? s) => s,
        _ => "",
    };
}
