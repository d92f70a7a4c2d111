namespace BookRenderer;

/// <summary>A problem the reader can fix (a missing folder, an unrun chapter): printed as one line, exit code 2.</summary>
internal sealed class BookException(string message) : Exception(message);

/// <summary>Where the executed chapters, their images and the vendored scripts are, and where the book goes.</summary>
internal sealed record BookOptions(string NotebooksDirectory, string SourceDirectory, string VendorDirectory, string OutputDirectory)
{
    public const string Usage = """
        Renders the executed chapters to an offline static site.

        usage: dotnet run --project tools/BookRenderer [-- options]

          --notebooks DIR  the executed chapters (default artifacts/notebooks, written by tools/NotebookRunner)
          --source DIR     the committed chapters, which their images are relative to (default notebooks)
          --vendor DIR     the npm packages katex and plotly.js-dist-min (default tools/node_modules: npm ci --prefix tools)
          --out DIR        where the book goes (default artifacts/book); open DIR/index.html in a browser
        Paths are relative to the repository root (the folder with CnnFromScratch.sln).
        """;

    public static BookOptions Parse(string[] args, string workingDirectory)
    {
        string root = RepositoryRoot(workingDirectory);
        var values = new Dictionary<string, string>
        {
            ["--notebooks"] = "artifacts/notebooks", ["--source"] = "notebooks", ["--vendor"] = "tools/node_modules", ["--out"] = "artifacts/book",
        };
        for (int i = 0; i < args.Length; i++)
        {
            if (!values.ContainsKey(args[i])) throw new BookException($"unknown option '{args[i]}'. Run with --help for the options.");
            if (i + 1 >= args.Length) throw new BookException($"{args[i]} needs a folder after it.");
            values[args[i]] = args[++i];
        }
        string Full(string key) => Path.GetFullPath(Path.Combine(root, values[key]));
        return new BookOptions(Full("--notebooks"), Full("--source"), Full("--vendor"), Full("--out"));
    }

    private static string RepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CnnFromScratch.sln"))) return dir.FullName;
        return start;
    }
}
