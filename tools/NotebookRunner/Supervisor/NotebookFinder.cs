namespace NotebookRunner.Supervisor;

/// <summary>Expands the command line's files and folders into notebooks, each with its path inside the output folder.</summary>
internal static class NotebookFinder
{
    public static IReadOnlyList<(string Path, string Relative)> Find(IReadOnlyList<string> paths, string outputDirectory)
    {
        var found = new List<(string Path, string Relative)>();
        foreach (var given in paths)
        {
            var full = Path.GetFullPath(given);
            if (File.Exists(full))
                found.Add((full, Path.GetFileName(full)));
            else if (Directory.Exists(full))
            {
                var inFolder = InFolder(full, outputDirectory).Select(p => (p, Path.GetRelativePath(full, p))).ToList();
                if (inFolder.Count == 0)
                    throw new UsageException($"{given} holds no .ipynb notebook (its subfolders were searched too); name a folder or file with notebooks.");
                found.AddRange(inFolder);
            }
            else
                throw new UsageException($"{given} is neither a notebook file nor a folder.");
        }
        var clash = found.GroupBy(f => f.Relative, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new UsageException($"two notebooks would be saved as {clash.Key}: {string.Join(" and ", clash.Select(c => c.Path))}. Run them separately with different --out folders.");
        return found;
    }

    /// <summary>Notebooks in a folder and its subfolders, in name order; hidden folders and the output folder are left out.</summary>
    private static IEnumerable<string> InFolder(string folder, string outputDirectory)
    {
        foreach (var file in Directory.GetFiles(folder, "*.ipynb").Order(StringComparer.Ordinal))
            yield return file;
        foreach (var sub in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(sub);
            if (name.StartsWith('.') || Path.GetFullPath(sub).StartsWith(outputDirectory, StringComparison.Ordinal)) continue;
            foreach (var file in InFolder(sub, outputDirectory)) yield return file;
        }
    }
}
