using System.Reflection;
using System.Text.Json.Nodes;

namespace NotebookRunner.Tests;

/// <summary>Starts the built runner as a process and reads back what it wrote.</summary>
internal static class RunnerProcess
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Fixtures => Path.Combine(RepositoryRoot, "tests", "NotebookRunner.Tests", "Fixtures");

    /// <summary>The runner built in the same configuration as these tests.</summary>
    public static string RunnerDll
    {
        get
        {
            var configuration = typeof(RunnerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var dll = Path.Combine(RepositoryRoot, "tools", "NotebookRunner", "bin", configuration, "net10.0", "NotebookRunner.dll");
            Assert.True(File.Exists(dll), $"The runner is not built at {dll}; build tests/NotebookRunner.Tests (it references the runner project).");
            return dll;
        }
    }

    public static RunResult Run(string workingDirectory, params string[] arguments) =>
        ChildProcess.Run("dotnet", [RunnerDll, .. arguments], workingDirectory);

    public static string NewOutputFolder(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "notebook-runner-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CnnFromScratch.sln")))
                return dir.FullName;
        throw new InvalidOperationException("CnnFromScratch.sln not found above the test assembly.");
    }
}

public sealed record RunResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public string Log => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>An executed notebook and the summary of its run, read back from the output folder.</summary>
public sealed class ExecutedRun(string outputFolder)
{
    public string OutputFolder { get; } = outputFolder;

    public JsonObject Summary => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(OutputFolder, "summary.json")))!;

    public JsonObject SummaryOf(string notebookFileName) =>
        Summary["notebooks"]!.AsArray().Select(n => n!.AsObject())
            .Single(n => Path.GetFileName(n["notebook"]!.GetValue<string>()) == notebookFileName);

    public JsonObject Notebook(string relativePath) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(OutputFolder, relativePath)))!;

    /// <summary>Cell <paramref name="number"/> (1-based, as the runner numbers them) of an executed notebook.</summary>
    public JsonObject Cell(string relativePath, int number) => Notebook(relativePath)["cells"]![number - 1]!.AsObject();

    public static IEnumerable<JsonObject> Outputs(JsonObject cell) => cell["outputs"]!.AsArray().Select(o => o!.AsObject());

    public static string Text(JsonNode? multiline) => multiline switch
    {
        null => "",
        JsonArray parts => string.Concat(parts.Select(p => p!.GetValue<string>())),
        _ => multiline.GetValue<string>(),
    };

    /// <summary>All stream text of a cell, stdout and stderr together, in order.</summary>
    public static string StreamText(JsonObject cell) =>
        string.Concat(Outputs(cell).Where(o => o["output_type"]!.GetValue<string>() == "stream").Select(o => Text(o["text"])));
}
