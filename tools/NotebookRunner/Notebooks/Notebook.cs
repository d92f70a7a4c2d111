using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookRunner.Notebooks;

/// <summary>
/// An .ipynb file held as its JSON tree, so everything the runner does not touch (metadata, attachments,
/// Markdown) is written back exactly as it was read.
/// </summary>
internal sealed class Notebook
{
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        // As Jupyter and VS Code write notebooks: one-space indent, no escaping of <, >, quotes or non-ASCII.
        WriteIndented = true,
        IndentSize = 1,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions ClipOptions = new() { Encoder = WriteOptions.Encoder };

    private Notebook(string path, JsonObject root, IReadOnlyList<NotebookCell> cells)
    {
        Path = path;
        Root = root;
        Cells = cells;
    }

    /// <summary>Full path of the file the notebook was read from.</summary>
    public string Path { get; }

    /// <summary>The whole document; cells are edited in place through <see cref="Cells"/>.</summary>
    public JsonObject Root { get; }

    /// <summary>Every cell, in file order (Markdown included, so cell numbers match the file).</summary>
    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>
    /// The notebook-level default kernel: Polyglot's metadata, else the Jupyter kernelspec (".net-csharp" is the C#
    /// kernel, as a notebook made in JupyterLab carries it); null when neither says.
    /// </summary>
    public string? DefaultKernel =>
        AsString(Field(Root, "metadata", "polyglot_notebook", "kernelInfo", "defaultKernelName"))
        ?? AsString(Field(Root, "metadata", "kernelspec", "name")) switch
        {
            null => null,
            var name when name.StartsWith(".net-", StringComparison.Ordinal) => name[".net-".Length..],
            var name => name,
        };

    /// <summary>The value at a path of object keys, or null when a step is missing or is not an object.</summary>
    public static JsonNode? Field(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
            node = node is JsonObject obj ? obj[key] : null;
        return node;
    }

    /// <summary>A JSON string's value, or null for anything else (absent, a number, an object…).</summary>
    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Reads and validates a notebook; throws <see cref="NotebookFormatException"/> with the reason.</summary>
    public static Notebook Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new NotebookFormatException(path, $"cannot be read: {e.Message}");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException(path,
                $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message.Split(" LineNumber:")[0]} " +
                "Open it in a text editor, or restore it from git.");
        }

        if (node is not JsonObject root)
            throw new NotebookFormatException(path, "is JSON but not a notebook: the top level must be an object.");

        var format = root["nbformat"];
        if (format is null || format.GetValueKind() != JsonValueKind.Number)
            throw new NotebookFormatException(path, "has no \"nbformat\" number, so it is not a Jupyter notebook.");
        if (format is not JsonValue formatValue || !formatValue.TryGetValue<int>(out var major) || format.ToJsonString().Contains('.'))
            throw new NotebookFormatException(path,
                $"has \"nbformat\": {format.ToJsonString()}; it must be the whole number 4 (and the minor version goes in \"nbformat_minor\"). Fix it in a text editor.");
        if (major != 4)
            throw new NotebookFormatException(path,
                $"is nbformat {major}; the runner reads nbformat 4 only. Open and save it in VS Code or Jupyter to upgrade it.");

        if (root["cells"] is not JsonArray cellArray)
            throw new NotebookFormatException(path, "has no \"cells\" array.");

        if (MetadataProblem(root) is { } metadataProblem)
            throw new NotebookFormatException(path, $"{metadataProblem}. Fix it in a text editor.");
        var cells = new List<NotebookCell>();
        for (int i = 0; i < cellArray.Count; i++)
        {
            if (cellArray[i] is not JsonObject cell || AsString(cell["cell_type"]) is not ("code" or "markdown" or "raw"))
                throw new NotebookFormatException(path, $"cell {i + 1} is not an object with a \"cell_type\" of \"code\", \"markdown\" or \"raw\".");
            if (CellProblem(cell) is { } problem)
                throw new NotebookFormatException(path, $"cell {i + 1} {problem}. Fix it in a text editor, or open and save the notebook in Jupyter.");
            cells.Add(new NotebookCell(i + 1, cell));
        }

        return new Notebook(System.IO.Path.GetFullPath(path), root, cells);
    }

    /// <summary>What is wrong with the notebook metadata the runner reads to find the kernel (null when nothing is).</summary>
    private static string? MetadataProblem(JsonObject root)
    {
        var metadata = root["metadata"];
        if (metadata is null) return null;
        if (metadata is not JsonObject)
            return $"has \"metadata\": {Clip(metadata)}; it must be an object";
        string[][] objects = [["polyglot_notebook"], ["polyglot_notebook", "kernelInfo"], ["kernelspec"]];
        foreach (var path in objects)
            if (Field(metadata, path) is { } value && value is not JsonObject)
                return $"has \"metadata.{string.Join('.', path)}\": {Clip(value)}; it must be an object";
        string[][] strings = [["polyglot_notebook", "kernelInfo", "defaultKernelName"], ["kernelspec", "name"]];
        foreach (var path in strings)
            if (Field(metadata, path) is { } value && AsString(value) is null)
                return $"has \"metadata.{string.Join('.', path)}\": {Clip(value)}; it must be a string";
        return null;
    }

    /// <summary>What is wrong with a cell's fields that the runner reads (null when nothing is).</summary>
    private static string? CellProblem(JsonObject cell)
    {
        var source = cell["source"];
        if (source is not null && AsString(source) is null && !(source is JsonArray lines && lines.All(l => AsString(l) is not null)))
            return $"has \"source\": {Clip(source)}; it must be a string or a list of strings";
        var metadata = cell["metadata"];
        if (metadata is null) return null;
        if (metadata is not JsonObject)
            return $"has \"metadata\": {Clip(metadata)}; it must be an object";
        var tags = metadata["tags"];
        if (tags is not null && !(tags is JsonArray list && list.All(t => AsString(t) is not null)))
            return $"has \"metadata.tags\": {Clip(tags)}; it must be a list of strings";
        foreach (var (field, value) in new[] { ("polyglot_notebook", metadata["polyglot_notebook"]), ("dotnet_interactive", metadata["dotnet_interactive"]) })
        {
            if (value is null) continue;
            if (value is not JsonObject settings)
                return $"has \"metadata.{field}\": {Clip(value)}; it must be an object";
            var name = field == "polyglot_notebook" ? "kernelName" : "language";
            if (settings[name] is { } kernel && AsString(kernel) is null)
                return $"has \"metadata.{field}.{name}\": {Clip(kernel)}; it must be a string";
        }
        return null;
    }

    private static string Clip(JsonNode node)
    {
        var json = node.ToJsonString(ClipOptions);
        return json.Length <= 40 ? json : json[..40] + "…";
    }

    /// <summary>Writes the notebook (with whatever outputs the cells now hold) as indented JSON.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, Root.ToJsonString(WriteOptions) + "\n");

    /// <summary>Jupyter stores multi-line text as a list of lines, each keeping its newline.</summary>
    public static JsonArray ToLines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length - 1;
            lines.Add(text[start..(end + 1)]);
            start = end + 1;
        }
        return lines;
    }

    /// <summary>Joins nbformat's "multiline string" (a string or a list of strings).</summary>
    public static string JoinText(JsonNode? node) => node switch
    {
        null => "",
        JsonArray parts => string.Concat(parts.Select(p => AsString(p) ?? "")),
        _ => AsString(node) ?? "",
    };
}

/// <summary>The file cannot be run as a notebook; the message says why and how to fix it.</summary>
internal sealed class NotebookFormatException(string path, string reason)
    : Exception($"{path} {reason}");
