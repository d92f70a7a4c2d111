using System.Text.RegularExpressions;

namespace NotebookRunner.Notebooks;

/// <summary>
/// The exercise mechanism: a stub cell tagged <c>exercise:&lt;id&gt;</c>, and for each notebook a file
/// <c>solutions/&lt;notebook-name&gt;.csx</c> (beside the notebook) holding one block per exercise, each opened by a
/// line <c>// ---- solution: &lt;id&gt; ----</c>. With <c>--solutions</c> each tagged cell's source is replaced by its block.
/// </summary>
internal static partial class Solutions
{
    public const string ExerciseTagPrefix = "exercise:";

    /// <summary>Where the solutions of a notebook live: <c>&lt;notebook folder&gt;/solutions/&lt;name&gt;.csx</c>.</summary>
    public static string FileFor(string notebookPath) =>
        Path.Combine(Path.GetDirectoryName(notebookPath)!, "solutions",
            Path.GetFileNameWithoutExtension(notebookPath) + ".csx");

    /// <summary>The exercise id of a cell, from its <c>exercise:&lt;id&gt;</c> tag (null when untagged).</summary>
    public static string? ExerciseId(NotebookCell cell)
    {
        var tags = cell.Tags.Where(t => t.StartsWith(ExerciseTagPrefix, StringComparison.Ordinal)).ToList();
        if (tags.Count > 1)
            throw new SolutionsException($"cell {cell.Number} has {tags.Count} exercise tags ({string.Join(", ", tags)}); give it exactly one.");
        if (tags.Count == 0) return null;
        var id = tags[0][ExerciseTagPrefix.Length..];
        if (!ValidId().IsMatch(id))
            throw new SolutionsException($"cell {cell.Number} has the tag \"{tags[0]}\"; an exercise id is letters, digits, '-', '_' or '.'.");
        return id;
    }

    /// <summary>Reads the solution blocks of a .csx file, by exercise id, in file order.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string path)
    {
        var blocks = new Dictionary<string, string>(StringComparer.Ordinal);
        string? currentId = null;
        var current = new List<string>();
        var lines = File.ReadAllText(path).ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var marker = Marker().Match(lines[i]);
            if (marker.Success)
            {
                Close();
                currentId = marker.Groups["id"].Value;
                if (blocks.ContainsKey(currentId))
                    throw new SolutionsException($"{path} line {i + 1}: a second block for the exercise \"{currentId}\"; keep one.");
                continue;
            }
            if (currentId is null)
            {
                // Before the first marker only a header comment is allowed: anything else would belong to no exercise.
                var trimmed = lines[i].Trim();
                if (trimmed.Length > 0 && !trimmed.StartsWith("//", StringComparison.Ordinal))
                    throw new SolutionsException(
                        $"{path} line {i + 1}: code before the first \"// ---- solution: <id> ----\" line belongs to no exercise.");
                continue;
            }
            current.Add(lines[i]);
        }
        Close();
        return blocks;

        void Close()
        {
            if (currentId is null) return;
            while (current.Count > 0 && string.IsNullOrWhiteSpace(current[^1])) current.RemoveAt(current.Count - 1);
            blocks[currentId] = string.Join("\n", current);
            current.Clear();
        }
    }

    /// <summary>
    /// Replaces every exercise cell's source by its solution. A tagged cell without a block, or a block without
    /// a tagged cell, is an error naming both the notebook cell and the solutions file.
    /// </summary>
    /// <returns>The numbers of the cells that were replaced.</returns>
    public static IReadOnlyList<int> Apply(Notebook notebook)
    {
        var exercises = notebook.Cells
            .Select(c => (Cell: c, Id: ExerciseId(c)))
            .Where(e => e.Id is not null)
            .ToList();
        var file = FileFor(notebook.Path);
        if (!File.Exists(file))
        {
            if (exercises.Count == 0) return [];
            throw new SolutionsException(
                $"{notebook.Path} has exercise cells ({string.Join(", ", exercises.Select(e => $"cell {e.Cell.Number} \"{e.Id}\""))}) " +
                $"but no solutions file {file}. Create it with one \"// ---- solution: <id> ----\" block per exercise.");
        }

        var blocks = Parse(file);
        var problems = new List<string>();
        foreach (var group in exercises.GroupBy(e => e.Id!).Where(g => g.Count() > 1))
            problems.Add($"exercise \"{group.Key}\" is tagged on cells {string.Join(" and ", group.Select(e => e.Cell.Number))}; ids must be unique.");
        foreach (var (cell, id) in exercises.Where(e => !blocks.ContainsKey(e.Id!)))
            problems.Add($"cell {cell.Number} is tagged \"exercise:{id}\" but {file} has no \"// ---- solution: {id} ----\" block.");
        var tagged = exercises.Select(e => e.Id!).ToHashSet(StringComparer.Ordinal);
        foreach (var id in blocks.Keys.Where(id => !tagged.Contains(id)))
            problems.Add($"{file} has a block for \"{id}\" but no cell of {notebook.Path} is tagged \"exercise:{id}\".");
        if (problems.Count > 0)
            throw new SolutionsException(string.Join(Environment.NewLine, problems));

        foreach (var (cell, id) in exercises)
            cell.Source = blocks[id!];
        return exercises.Select(e => e.Cell.Number).ToList();
    }

    [GeneratedRegex(@"^\s*//\s*----\s*solution:\s*(?<id>\S+)\s*----\s*$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$")]
    private static partial Regex ValidId();
}

/// <summary>The exercise cells and the solutions file disagree; the message names both sides.</summary>
internal sealed class SolutionsException(string message) : Exception(message);
