using System.Diagnostics;
using System.Reflection;

namespace BookRenderer.Tests.Browser;

/// <summary>
/// The book as a reader gets it: every chapter executed by the runner (as committed), rendered by the book
/// renderer with the npm packages of tools/package.json, and a headless chromium to read it. Built once for the
/// browser tests. Where chromium or the npm packages are missing, the tests are skipped with how to enable them;
/// under CI=true a missing prerequisite fails them instead.
/// </summary>
public sealed class BookFixture : IAsyncLifetime
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Executable => Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static string VendorDirectory => Path.Combine(RepositoryRoot, "tools", "node_modules");

    /// <summary>What is missing, and how to get it; null when everything the browser tests need is here.</summary>
    public static string? Missing
    {
        get
        {
            var missing = new List<string>();
            if (!File.Exists(Executable)) missing.Add($"chromium ({Executable}; apt-get install chromium, or set CHROMIUM to its path)");
            if (!File.Exists(Path.Combine(VendorDirectory, "katex", "package.json")) || !File.Exists(Path.Combine(VendorDirectory, "plotly.js-dist-min", "package.json")))
                missing.Add("the book's npm packages (npm ci --prefix tools)");
            return missing.Count == 0 ? null : "Browser tests need " + string.Join(" and ", missing) + "; .ci/run installs both.";
        }
    }

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public string BookDirectory { get; private set; } = "";

    public string ScreenshotDirectory { get; } = Path.Combine(RepositoryRoot, "artifacts", "book-screenshots");

    internal Book.Result? Book { get; private set; }

    internal Chromium? Browser { get; private set; }

    public async Task InitializeAsync()
    {
        if (Missing is not null) return;
        var work = Path.Combine(Path.GetTempPath(), "book-tests", Guid.NewGuid().ToString("N"));
        // BOOK_TESTS_NOTEBOOKS=artifacts/notebooks tests the book of chapters already executed (quicker while working on the book).
        var executed = Environment.GetEnvironmentVariable("BOOK_TESTS_NOTEBOOKS") is { Length: > 0 } given
            ? Path.GetFullPath(given, RepositoryRoot) : Path.Combine(work, "notebooks");
        if (executed.StartsWith(work, StringComparison.Ordinal) && RunRunner(executed) is { ExitCode: not 0 } run)
            throw new InvalidOperationException($"The runner failed on the chapters, so there is no book to test:\n{run.Output}");
        BookDirectory = Path.Combine(work, "book");
        Book = BookRenderer.Book.Build(new BookOptions(executed, Path.Combine(RepositoryRoot, "notebooks"), VendorDirectory, BookDirectory));
        Browser = await Chromium.StartAsync(Executable);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
    }

    private static (int ExitCode, string Output) RunRunner(string output)
    {
        var configuration = typeof(BookFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var runner = Path.Combine(RepositoryRoot, "tools", "NotebookRunner", "bin", configuration, "net10.0", "NotebookRunner.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { runner, "notebooks", "--out", output }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CnnFromScratch.sln"))) return dir.FullName;
        throw new InvalidOperationException("CnnFromScratch.sln not found above the test assembly.");
    }
}
