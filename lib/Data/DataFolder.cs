namespace CnnFromScratch.Data;

/// <summary>
/// Finds the repository's <c>data/</c> folder from wherever the code runs: a notebook (working directory
/// <c>notebooks/</c>), a test (assembly under <c>tests/…/bin/…</c>) or the runner.
/// </summary>
public static class DataFolder
{
    /// <summary>
    /// The folder <c>data/<paramref name="name"/></c>, searched for upward from the current directory and from the
    /// library's own location. Throws <see cref="DirectoryNotFoundException"/> listing every place it looked.
    /// </summary>
    public static string Find(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var looked = new List<string>();
        foreach (string start in StartFolders())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", name);
                if (Directory.Exists(candidate)) return candidate;
                looked.Add(candidate);
            }
        }
        throw new DirectoryNotFoundException(
            $"Could not find the folder data/{name}. Looked in:\n  " + string.Join("\n  ", looked.Distinct()) +
            "\nRun from inside the course repository (e.g. open the notebooks from its notebooks/ folder), " +
            "or restore the folder with `git checkout -- data`.");
    }

    /// <summary>
    /// Where full datasets are cached unless you choose another folder: <c>data/cache/</c> in the repository
    /// (git-ignored), or, outside a checkout, <c>CnnFromScratch/cache</c> under the user's local application data.
    /// </summary>
    public static string DefaultCache()
    {
        try
        {
            return Path.Combine(Path.GetDirectoryName(Find(MnistSample.FolderName))!, "cache");
        }
        catch (DirectoryNotFoundException)
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "CnnFromScratch", "cache");
        }
    }

    private static IEnumerable<string> StartFolders()
    {
        yield return Directory.GetCurrentDirectory();
        string assembly = typeof(DataFolder).Assembly.Location;
        if (!string.IsNullOrEmpty(assembly)) yield return Path.GetDirectoryName(assembly)!;
        yield return AppContext.BaseDirectory;
    }
}
