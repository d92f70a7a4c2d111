namespace NotebookRunner.Tests;

/// <summary>
/// The course's chapters run once by the runner in both modes (as committed, then with the solutions), shared by
/// the tests that judge that run (<see cref="ChapterTests"/>) and that compare the real kernel with it
/// (<see cref="JupyterLaneTests"/>). Lazy: a test that only reads the committed notebooks does not wait for it.
/// </summary>
public sealed class ChapterRun
{
    private readonly Lazy<(string Output, RunResult Result)> _run = new(() =>
    {
        var output = RunnerProcess.NewOutputFolder("chapters");
        return (output, RunnerProcess.Run(RunnerProcess.RepositoryRoot, "notebooks", "--both", "--out", output));
    });

    public static string NotebooksFolder => Path.Combine(RunnerProcess.RepositoryRoot, "notebooks");

    /// <summary>Every notebook in notebooks/ (new chapters are picked up as they land), in name order.</summary>
    public static IReadOnlyList<string> Chapters =>
        Directory.Exists(NotebooksFolder)
            ? Directory.GetFiles(NotebooksFolder, "*.ipynb", SearchOption.AllDirectories)
                .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}.", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToList()
            : [];

    public RunResult Result => _run.Value.Result;

    /// <summary>The executed chapters as committed.</summary>
    public ExecutedRun Committed => new(_run.Value.Output);

    /// <summary>The executed chapters with the solutions filled in.</summary>
    public ExecutedRun Solved => new(Path.Combine(_run.Value.Output, "solutions"));
}

/// <summary>The tests that share one run of the chapters; they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class ChapterRunCollection : ICollectionFixture<ChapterRun>
{
    public const string Name = "chapters";
}
