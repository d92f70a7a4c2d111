using System.Text.Json.Nodes;
using static NotebookRunner.Tests.ExecutedRun;

namespace NotebookRunner.Tests;

/// <summary>
/// The course's own notebooks: committed clean with the Polyglot C# metadata, and every chapter runs green headlessly
/// both as committed (checks say "not done yet") and with the solutions (checks pass).
/// </summary>
[Collection(ChapterRunCollection.Name)]
public sealed class ChapterTests(ChapterRun run)
{
    /// <summary>All chapters, both modes, on the 2-core CI machine.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(5);

    private static string NotebooksFolder => ChapterRun.NotebooksFolder;

    private static IReadOnlyList<string> Chapters => ChapterRun.Chapters;

    [Fact]
    public void Every_notebook_carries_the_Polyglot_CSharp_metadata_and_is_committed_without_outputs()
    {
        var problems = new List<string>();
        foreach (var path in Chapters)
        {
            var name = Path.GetRelativePath(RunnerProcess.RepositoryRoot, path);
            var notebook = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var metadata = notebook["metadata"];
            Expect(metadata?["kernelspec"]?["name"], ".net-csharp", "metadata.kernelspec.name");
            Expect(metadata?["language_info"]?["name"], "polyglot-notebook", "metadata.language_info.name");
            Expect(metadata?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"], "csharp", "metadata.polyglot_notebook.kernelInfo.defaultKernelName");
            var cells = notebook["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
            for (int i = 0; i < cells.Count; i++)
            {
                var cell = cells[i];
                if (cell["cell_type"]!.GetValue<string>() != "code") continue;
                Expect(cell["metadata"]?["polyglot_notebook"]?["kernelName"], "csharp", $"cell {i + 1} metadata.polyglot_notebook.kernelName");
                if (cell["outputs"] is not JsonArray { Count: 0 })
                    problems.Add($"{name} cell {i + 1} has outputs; clear them before committing (the runner writes executed copies).");
                if (cell["execution_count"] is not null)
                    problems.Add($"{name} cell {i + 1} has an execution_count; clear outputs before committing.");
                if (ExerciseIds(cell).Any() && NextCodeCell(cells, i) is null)
                    problems.Add($"{name} cell {i + 1} is an exercise with no check cell after it.");
            }

            void Expect(JsonNode? actual, string expected, string what)
            {
                if (actual?.GetValueKind() != System.Text.Json.JsonValueKind.String || actual.GetValue<string>() != expected)
                    problems.Add($"{name}: {what} must be \"{expected}\" (found {actual?.ToJsonString() ?? "nothing"}).");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        if (Chapters.Count > 0) NbformatValidator.AssertValid(Chapters);
    }

    [Fact]
    public void Every_chapter_runs_green_as_committed_and_with_solutions_within_the_time_budget()
    {
        var chapters = Chapters;
        if (chapters.Count == 0) return;   // no chapters yet: nothing to run (the test above still checks the folder)

        var result = run.Result;
        Assert.True(result.ExitCode == 0, result.Log);
        Assert.True(result.Elapsed < Budget, $"All chapters in both modes took {result.Elapsed.TotalSeconds:0} s; the budget is {Budget.TotalSeconds:0} s.\n{result.Stdout}");

        var committed = run.Committed;
        var solved = run.Solved;
        Assert.Equal(chapters.Count, committed.Summary["notebooks"]!.AsArray().Count);
        Assert.Equal(chapters.Count, solved.Summary["notebooks"]!.AsArray().Count);

        // The check cell after each exercise: "⏳ not done yet" on the stub, "✅" with the solution.
        var problems = new List<string>();
        foreach (var path in chapters)
        {
            var relative = Path.GetRelativePath(NotebooksFolder, path);
            var cells = committed.Notebook(relative)["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
            for (int i = 0; i < cells.Count; i++)
            {
                foreach (var id in ExerciseIds(cells[i]))
                {
                    int check = NextCodeCell(cells, i)!.Value;
                    var stub = StreamText(committed.Cell(relative, check + 1));
                    var solution = StreamText(solved.Cell(relative, check + 1));
                    if (!stub.Contains('⏳'))
                        problems.Add($"{relative} exercise {id}: the check (cell {check + 1}) should say ⏳ not done yet on the stub, but printed: {stub}");
                    if (!solution.Contains('✅') || solution.Contains('⏳') || solution.Contains('❌'))
                        problems.Add($"{relative} exercise {id}: with the solution the check (cell {check + 1}) should pass, but printed: {solution}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    internal static IEnumerable<string> ExerciseIds(JsonObject cell) =>
        (cell["metadata"]?["tags"] as JsonArray ?? [])
            .Select(t => t!.GetValue<string>())
            .Where(t => t.StartsWith("exercise:", StringComparison.Ordinal))
            .Select(t => t["exercise:".Length..]);

    private static int? NextCodeCell(List<JsonObject> cells, int after)
    {
        for (int j = after + 1; j < cells.Count; j++)
            if (cells[j]["cell_type"]!.GetValue<string>() == "code") return j;
        return null;
    }
}
