using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookRunner.Notebooks;

/// <summary>One cell of a notebook, a view over its JSON object.</summary>
internal sealed partial class NotebookCell(int number, JsonObject json)
{
    /// <summary>1-based position in the file, counting every cell (Markdown too).</summary>
    public int Number { get; } = number;

    public JsonObject Json { get; } = json;

    public bool IsCode => Notebook.AsString(Json["cell_type"]) == "code";

    public string Source
    {
        get => Notebook.JoinText(Json["source"]);
        set => Json["source"] = Notebook.ToLines(value);
    }

    public IReadOnlyList<string> Tags =>
        Notebook.Field(Json, "metadata", "tags") is JsonArray tags
            ? tags.Select(t => Notebook.AsString(t) ?? "").ToList()
            : [];

    public bool HasTag(string tag) => Tags.Contains(tag);

    /// <summary>
    /// The kernel a code cell is meant for, decided the way Polyglot does: a leading <c>#!name</c> line,
    /// else the cell's Polyglot metadata, else the notebook's default kernel.
    /// </summary>
    public string? KernelName(string? notebookDefault)
    {
        var magic = KernelMagic().Match(Source);
        if (magic.Success) return magic.Groups["name"].Value;
        return Notebook.AsString(Notebook.Field(Json, "metadata", "polyglot_notebook", "kernelName"))
            ?? Notebook.AsString(Notebook.Field(Json, "metadata", "dotnet_interactive", "language"))
            ?? notebookDefault;
    }

    /// <summary>True for the names Polyglot gives the C# kernel.</summary>
    public static bool IsCSharp(string? kernel) =>
        kernel is not null && (kernel.Equals("csharp", StringComparison.OrdinalIgnoreCase) || kernel == "c#" || kernel == "C#");

    public void ClearOutputs()
    {
        Json["outputs"] = new JsonArray();
        Json["execution_count"] = null;
    }

    public void SetOutputs(JsonArray outputs) => Json["outputs"] = outputs;

    public void SetExecutionCount(int count) => Json["execution_count"] = count;

    // "#!csharp" on the first line, up to (not including) the line break, so the cell keeps its line count.
    [GeneratedRegex(@"\A#!(?<name>[A-Za-z#\-]+)[ \t]*(?=\r?\n|\z)")]
    private static partial Regex KernelMagic();
}
