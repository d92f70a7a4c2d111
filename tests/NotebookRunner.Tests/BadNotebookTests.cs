using static NotebookRunner.Tests.ExecutedRun;

namespace NotebookRunner.Tests;

/// <summary>Runs Fixtures/bad once: each notebook fails in a known place, and all of them are run.</summary>
public sealed class BadRunFixture
{
    public BadRunFixture()
    {
        OutputFolder = RunnerProcess.NewOutputFolder("bad");
        Result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, Path.Combine(RunnerProcess.Fixtures, "bad"), "--out", OutputFolder);
        SolutionsResult = RunnerProcess.Run(RunnerProcess.RepositoryRoot,
            Path.Combine(RunnerProcess.Fixtures, "bad", "mismatch.ipynb"), "--solutions", "--out", OutputFolder);
        Default = new ExecutedRun(OutputFolder);
        Solutions = new ExecutedRun(Path.Combine(OutputFolder, "solutions"));
    }

    public string OutputFolder { get; }
    public RunResult Result { get; }
    public RunResult SolutionsResult { get; }
    public ExecutedRun Default { get; }
    public ExecutedRun Solutions { get; }
}

public sealed class BadNotebookTests(BadRunFixture run) : IClassFixture<BadRunFixture>
{
    private ExecutedRun Default => run.Default;

    private static (int? Cell, int? Line, int? Column, string Message) Failure(System.Text.Json.Nodes.JsonObject summary)
    {
        var f = summary["failures"]!.AsArray().Single()!;
        return (f["cell"]?.GetValue<int>(), f["line"]?.GetValue<int>(), f["column"]?.GetValue<int>(), f["message"]!.GetValue<string>());
    }

    [Fact]
    public void Every_notebook_is_run_after_others_fail_and_the_exit_code_is_one()
    {
        Assert.True(run.Result.ExitCode == 1, run.Result.Log);
        Assert.Equal(10, Default.Summary["notebooks"]!.AsArray().Count);
        Assert.False(Default.Summary["passed"]!.GetValue<bool>());
        Assert.Contains("10 notebooks (default): 1 passed, 9 failed", run.Result.Stdout);   // mismatch.ipynb is fine without --solutions
    }

    [Fact]
    public void A_compile_error_is_reported_with_cell_line_and_column_and_stops_the_notebook()
    {
        var summary = Default.SummaryOf("compile-error.ipynb");
        var (cell, line, column, message) = Failure(summary);
        Assert.Equal((3, 2, 9), (cell, line, column));
        Assert.StartsWith("CS0029: Cannot implicitly convert type 'string' to 'int'", message);
        Assert.Equal(2, summary["cellsExecuted"]!.GetValue<int>());
        var outputs = Outputs(Default.Cell("compile-error.ipynb", 3)).ToList();
        // As in Jupyter: the kernel's diagnostics on stderr, then the error.
        Assert.Contains("(2,9): error CS0029", StreamText(Default.Cell("compile-error.ipynb", 3)));
        Assert.Equal("CompilationError", outputs.Single(o => o["output_type"]!.GetValue<string>() == "error")["ename"]!.GetValue<string>());
        Assert.Null(Default.Cell("compile-error.ipynb", 4)["execution_count"]);
        Assert.Contains("compile-error.ipynb cell 3: line 2, column 9: CS0029", run.Result.Stdout);
    }

    [Fact]
    public void A_runtime_exception_is_reported_with_its_message_and_the_method_it_was_thrown_in()
    {
        var (cell, line, _, message) = Failure(Default.SummaryOf("runtime-error.ipynb"));
        Assert.Equal((2, null), (cell, line));   // the kernel compiles cells without line information
        Assert.Contains("System.DivideByZeroException: Attempted to divide by zero.", message);
        Assert.Matches(@"thrown at \w+\(", message);   // inside the method an earlier cell defined
        var outputs = Outputs(Default.Cell("runtime-error.ipynb", 2)).ToList();
        Assert.Equal("before\n", Text(outputs[0]["text"]));
        Assert.Equal("DivideByZeroException", outputs[1]["ename"]!.GetValue<string>());
        Assert.Empty(Outputs(Default.Cell("runtime-error.ipynb", 3)));
    }

    [Fact]
    public void A_package_that_cannot_be_restored_fails_its_cell_with_the_restore_error()
    {
        var (cell, line, _, message) = Failure(Default.SummaryOf("restore-error.ipynb"));
        Assert.Equal((2, 1), (cell, line));
        Assert.Contains("NU1102: Unable to find package Newtonsoft.Json with version (>= 999.0.0)", message);
        Assert.Contains("[ Nearest version: ", message);   // NuGet's hint is kept
        Assert.DoesNotContain("proj : ", message);          // without the generated project's path
    }

    [Fact]
    public void A_file_that_is_not_JSON_is_rejected_with_the_position_of_the_problem()
    {
        var (cell, _, _, message) = Failure(Default.SummaryOf("invalid-json.ipynb"));
        Assert.Null(cell);
        Assert.Contains("is not valid JSON (line 1, byte 50)", message);
        Assert.False(File.Exists(Path.Combine(run.OutputFolder, "invalid-json.ipynb")));
    }

    [Fact]
    public void An_nbformat_3_notebook_is_rejected_with_how_to_upgrade_it()
    {
        var (_, _, _, message) = Failure(Default.SummaryOf("nbformat3.ipynb"));
        Assert.Contains("is nbformat 3; the runner reads nbformat 4 only", message);
    }

    [Fact]
    public void A_raises_exception_cell_that_does_not_throw_fails()
    {
        var (cell, _, _, message) = Failure(Default.SummaryOf("raises-but-does-not.ipynb"));
        Assert.Equal(1, cell);
        Assert.Contains("tagged raises-exception but did not throw", message);
    }

    [Fact]
    public void With_solutions_a_tagged_cell_without_a_block_and_a_block_without_a_cell_are_both_named()
    {
        Assert.Empty(Default.SummaryOf("mismatch.ipynb")["failures"]!.AsArray());
        Assert.True(run.SolutionsResult.ExitCode == 1, run.SolutionsResult.Log);
        var (_, _, _, message) = Failure(run.Solutions.SummaryOf("mismatch.ipynb"));
        Assert.Contains("cell 1 is tagged \"exercise:cube\" but", message);
        Assert.Contains("solutions/mismatch.csx has no \"// ---- solution: cube ----\" block", message);
        Assert.Contains("has a block for \"square\" but no cell of", message);
    }

    [Fact]
    public void A_killed_kernel_is_reported_as_likely_out_of_memory_and_keeps_what_its_cells_printed()
    {
        var (cell, _, _, message) = Failure(Default.SummaryOf("killed.ipynb"));
        Assert.Equal(2, cell);
        Assert.Contains("exit code 137", message);
        Assert.Contains("ran out of memory", message);
        Assert.Contains("before the kill\n", StreamText(Default.Cell("killed.ipynb", 1)));
        Assert.Contains("native line\n", StreamText(Default.Cell("killed.ipynb", 1)));   // written past the kernel, to stdout
        Assert.Contains("about to be killed\n", StreamText(Default.Cell("killed.ipynb", 2)));   // streamed before the kill
        Assert.Equal("WorkerCrashed", Outputs(Default.Cell("killed.ipynb", 2)).Last()["ename"]!.GetValue<string>());
        Assert.Null(Default.Cell("killed.ipynb", 3)["execution_count"]);
    }

    [Fact]
    public void A_kernel_that_crashes_is_reported_with_the_runtimes_reason_without_its_stack_trace()
    {
        var (cell, _, _, message) = Failure(Default.SummaryOf("crash.ipynb"));
        Assert.Equal(2, cell);
        Assert.Matches(@"^the kernel process exited with code \d+ while running cell 2: Unhandled exception\. System\.InvalidOperationException: thrown on a thread the cell started$", message);
        Assert.Equal("before the crash\n", StreamText(Default.Cell("crash.ipynb", 1)));
        Assert.Equal("WorkerCrashed", Outputs(Default.Cell("crash.ipynb", 2)).Last()["ename"]!.GetValue<string>());
        Assert.Null(Default.Cell("crash.ipynb", 3)["execution_count"]);
    }

    [Fact]
    public void A_notebook_with_no_CSharp_cell_fails_because_nothing_ran()
    {
        var summary = Default.SummaryOf("python.ipynb");
        Assert.Equal(0, summary["cellsExecuted"]!.GetValue<int>());
        var (_, _, _, message) = Failure(summary);
        Assert.Contains("has no C# cell to run (its cells are for kernel python3)", message);
        Assert.Contains("\".net-csharp\" kernelspec", message);
    }

    [Fact]
    public void Executed_copies_of_failed_notebooks_are_valid_nbformat_4()
    {
        NbformatValidator.AssertValid(Directory.GetFiles(run.OutputFolder, "*.ipynb", SearchOption.AllDirectories));
    }
}
