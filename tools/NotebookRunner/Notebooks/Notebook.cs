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

    /// <summary>The notebook-level default kernel, from the Polyglot metadata (null when absent).</summary>
    public string? DefaultKernel =>
        Root["metadata"]?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>();

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
        int major = format.GetValue<int>();
        if (major != 4)
            throw new NotebookFormatException(path,
                $"is nbformat {major}; the runner reads nbformat 4 only. Open and save it in VS Code or Jupyter to upgrade it.");

        if (root["cells"] is not JsonArray cellArray)
            throw new NotebookFormatException(path, "has no \"cells\" array.");

        var cells = new List<NotebookCell>();
        for (int i = 0; i < cellArray.Count; i++)
        {
            if (cellArray[i] is not JsonObject cell || cell["cell_type"]?.GetValueKind() != JsonValueKind.String)
                throw new NotebookFormatException(path, $"cell {i + 1} is not an object with a \"cell_type\".");
            cells.Add(new NotebookCell(i + 1, cell));
        }

        return new Notebook(System.IO.Path.GetFullPath(path), root, cells);
    }

    /// <summary>Writes the notebook (with whatever outputs the cells now hold) as indented JSON.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        File.WriteAllText(path, Root.ToJsonString(WriteOptions) + "\n");
    }

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
        JsonArray parts => string.Concat(parts.Select(p => p?.GetValue<string>() ?? "")),
        _ => node.GetValue<string>(),
    };
}

/// <summary>The file cannot be run as a notebook; the message says why and how to fix it.</summary>
internal sealed class NotebookFormatException(string path, string reason)
    : Exception($"{path} {reason}");
