using System.Text.Json.Nodes;
using static NotebookRunner.Tests.ExecutedRun;

namespace NotebookRunner.Tests;

/// <summary>Runs Fixtures/good once (every cell must succeed) and checks what each feature produced.</summary>
public sealed class GoodRunFixture
{
    public GoodRunFixture()
    {
        OutputFolder = RunnerProcess.NewOutputFolder("good");
        // Every notebook as committed; the one with an exercise in both modes too (keeps the suite short).
        Result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, Path.Combine(RunnerProcess.Fixtures, "good"), "--out", OutputFolder);
        BothFolder = RunnerProcess.NewOutputFolder("good-both");
        SolutionsResult = RunnerProcess.Run(RunnerProcess.RepositoryRoot,
            Path.Combine(RunnerProcess.Fixtures, "good", "exercise.ipynb"), "--both", "--out", BothFolder);
        Default = new ExecutedRun(OutputFolder);
        Both = new ExecutedRun(BothFolder);
        Solutions = new ExecutedRun(Path.Combine(BothFolder, "solutions"));
    }

    public string OutputFolder { get; }
    public string BothFolder { get; }
    public RunResult Result { get; }
    public RunResult SolutionsResult { get; }
    public ExecutedRun Default { get; }
    public ExecutedRun Both { get; }
    public ExecutedRun Solutions { get; }
}

public sealed class GoodNotebookTests(GoodRunFixture run) : IClassFixture<GoodRunFixture>
{
    private ExecutedRun Default => run.Default;

    [Fact]
    public void Every_cell_of_every_notebook_succeeds_and_the_exit_code_is_zero()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.Log);
        Assert.True(run.SolutionsResult.ExitCode == 0, run.SolutionsResult.Log);
        Assert.Equal(7, Default.Summary["notebooks"]!.AsArray().Count);
        Assert.Single(run.Solutions.Summary["notebooks"]!.AsArray());
        foreach (var summary in new[] { Default.Summary, run.Both.Summary, run.Solutions.Summary })
        {
            Assert.True(summary["passed"]!.GetValue<bool>());
            foreach (var notebook in summary["notebooks"]!.AsArray())
            {
                Assert.Empty(notebook!["failures"]!.AsArray());
                Assert.Equal(notebook["cellsToRun"]!.GetValue<int>(), notebook["cellsExecuted"]!.GetValue<int>());
                Assert.True(notebook["seconds"]!.GetValue<double>() > 0);
            }
        }
        Assert.Equal("default", Default.Summary["mode"]!.GetValue<string>());
        Assert.Equal("solutions", run.Solutions.Summary["mode"]!.GetValue<string>());
    }

    [Fact]
    public void Progress_names_the_notebook_and_each_cell_k_of_n_with_seconds_then_a_table()
    {
        Assert.Contains("Fixtures/good/display.ipynb (8 cells, 8 to run)", run.Result.Stdout);
        Assert.Matches(@"cell 3/8  ok +\d+\.\d s", run.Result.Stdout);
        Assert.Contains("cell 3/9  skipped (skip-execution)", run.Result.Stdout);
        Assert.Matches(@"good/tags\.ipynb +default +9 +4 +0 +\d+\.\d", run.Result.Stdout);
        Assert.Contains("7 notebooks (default): 7 passed, 0 failed", run.Result.Stdout);
        Assert.Contains("1 notebook (default): 1 passed, 0 failed", run.SolutionsResult.Stdout);
        Assert.Contains("1 notebook (solutions): 1 passed, 0 failed", run.SolutionsResult.Stdout);
    }

    [Fact]
    public void Nuget_magic_restores_the_package_and_references_it()
    {
        var text = StreamText(Default.Cell("magics.ipynb", 2));
        Assert.Contains("json {\"a\":1}", text);
        Assert.Contains("version 13.0.0.0", text);
    }

    [Fact]
    public void The_course_set_up_cell_restores_XPlot_and_DataFrame_and_its_chart_formatter_renders_plotly_html()
    {
        var displays = Outputs(Default.Cell("course-setup.ipynb", 2)).Where(o => o["output_type"]!.GetValue<string>() == "display_data").ToList();
        Assert.Contains(displays, d => Text(d["data"]!["text/html"]).Contains("<strong>Installed Packages</strong>")
                                       && Text(d["data"]!["text/html"]).Contains("<li><span>Microsoft.Data.Analysis, 0.23.1</span></li>"));
        // Microsoft.Data.Analysis carries a kernel extension, loaded as the dotnet-interactive tool loads it.
        Assert.Contains(displays, d => Text(d["data"]!["text/plain"]).Contains("Loading extensions from `"));
        var chart = Outputs(Default.Cell("course-setup.ipynb", 3)).Single();
        Assert.Contains("Plotly.newPlot", Text(chart["data"]!["text/html"]));
        Assert.Contains("\"Loss\"", Text(chart["data"]!["text/html"]));
        var frame = Outputs(Default.Cell("course-setup.ipynb", 4)).Single();
        Assert.Equal("execute_result", frame["output_type"]!.GetValue<string>());
        Assert.Contains("<th>epoch</th><th>loss</th>", Text(frame["data"]!["text/html"]));   // the DataFrame extension's table
        Assert.Contains("<pre>[ 3 ]</pre>", Text(Outputs(Default.Cell("course-setup.ipynb", 5)).Single()["data"]!["text/html"]));
    }

    [Fact]
    public void Nuget_magic_without_a_version_takes_the_newest_stable_release()
    {
        Assert.Contains("[1,2]", StreamText(Default.Cell("no-version.ipynb", 1)));
    }

    [Fact]
    public void Relative_dll_reference_and_load_resolve_against_the_notebook_folder_which_is_the_working_directory()
    {
        var text = StreamText(Default.Cell("magics.ipynb", 2));
        Assert.Contains("shape 2×3", text);                          // #r "../../../../lib/bin/CnnFromScratch.dll"
        Assert.Contains("helper 42", text);                           // #load "helpers.csx"
        Assert.Contains("cwd good", text);
        Assert.Contains("file read relative to the notebook folder", text);
    }

    [Fact]
    public void Display_shows_a_value_and_Update_in_a_later_cell_replaces_that_output_in_place()
    {
        var first = Outputs(Default.Cell("display.ipynb", 1)).First(o => o["output_type"]!.GetValue<string>() == "display_data");
        Assert.Equal("epoch 3 of 3", Text(first["data"]!["text/plain"]));
        Assert.DoesNotContain("epoch 0", Default.Cell("display.ipynb", 1)["outputs"]!.ToJsonString());
        Assert.Empty(Outputs(Default.Cell("display.ipynb", 2)));
    }

    [Fact]
    public void Display_Update_keeps_the_first_value_as_the_pinned_kernel_does_in_Jupyter()
    {
        // The kernel's display() publishes one DisplayedValue and returns another, so Update names no shown output.
        var shown = Outputs(Default.Cell("display.ipynb", 8)).Single();
        Assert.Equal("first", Text(shown["data"]!["text/plain"]));
    }

    [Fact]
    public void Console_text_becomes_stream_outputs_in_order_with_displays_between()
    {
        // The kernel's compiler warning about the HTML types (CS1701, also in Jupyter) is left out here.
        var outputs = Outputs(Default.Cell("display.ipynb", 1))
            .Where(o => !Text(o["text"]).Contains("warning CS1701"))
            .Select(o => o["output_type"]!.GetValue<string>() + ":" + (o["name"]?.GetValue<string>() ?? "") + ":" + Text(o["text"] ?? o["data"]!["text/plain"] ?? o["data"]!["text/html"]))
            .ToList();
        Assert.Equal(
            ["display_data::epoch 3 of 3", "stream:stdout:before\n", "display_data::<b>bold</b>", "stream:stderr:warning text\n", "stream:stdout:after\n"],
            outputs);
    }

    [Fact]
    public void HTML_is_displayed_as_text_html()
    {
        var html = Outputs(Default.Cell("display.ipynb", 1)).Single(o => o["data"]?["text/html"] is not null);
        Assert.Equal("<b>bold</b>", Text(html["data"]!["text/html"]));
    }

    [Fact]
    public void A_Formatter_registration_in_the_notebook_formats_displayed_values_and_results()
    {
        var shown = Outputs(Default.Cell("display.ipynb", 3)).Single();
        Assert.Equal("<svg data-point=\"1,2\"></svg>", Text(shown["data"]!["text/html"]));
        var result = Outputs(Default.Cell("display.ipynb", 4)).Single();
        Assert.Equal("<svg data-point=\"3,4\"></svg>", Text(result["data"]!["text/html"]));
        Assert.Null(result["data"]!["text/plain"]);   // the kernel's Jupyter default: HTML only
    }

    [Fact]
    public void The_last_expression_of_a_cell_is_its_execute_result_with_the_execution_count()
    {
        var sum = Default.Cell("display.ipynb", 5);
        var result = Outputs(sum).Single();
        Assert.Equal("execute_result", result["output_type"]!.GetValue<string>());
        Assert.Contains("<pre>12</pre>", Text(result["data"]!["text/html"]));
        Assert.Equal(5, result["execution_count"]!.GetValue<int>());
        Assert.Equal(5, sum["execution_count"]!.GetValue<int>());

        // A void call without a semicolon has no result; a string result is plain text only.
        Assert.DoesNotContain(Outputs(Default.Cell("display.ipynb", 6)), o => o["output_type"]!.GetValue<string>() == "execute_result");
        var text = Outputs(Default.Cell("display.ipynb", 7)).Single();
        Assert.Equal("text result", Text(text["data"]!["text/plain"]));
        Assert.Null(text["data"]!["text/html"]);
    }

    [Fact]
    public void Markdown_other_kernels_and_skip_execution_cells_are_not_run()
    {
        foreach (var number in new[] { 3, 4, 5 })
        {
            var cell = Default.Cell("tags.ipynb", number);
            Assert.Empty(Outputs(cell));
            Assert.Null(cell["execution_count"]);
        }
        Assert.Null(Default.Cell("tags.ipynb", 1)["outputs"]);   // Markdown keeps its shape
        Assert.Equal("first,magic line,raises\n", StreamText(Default.Cell("tags.ipynb", 8)));
        Assert.Equal(4, Default.SummaryOf("tags.ipynb")["cellsExecuted"]!.GetValue<int>());
    }

    [Fact]
    public void A_raises_exception_cell_that_throws_keeps_its_error_output_and_the_notebook_goes_on()
    {
        var error = Outputs(Default.Cell("tags.ipynb", 7)).Single();
        Assert.Equal("error", error["output_type"]!.GetValue<string>());
        Assert.Equal("ArgumentException", error["ename"]!.GetValue<string>());
        Assert.Equal("shape mismatch shown on purpose", error["evalue"]!.GetValue<string>());
        Assert.Contains(error["traceback"]!.AsArray(), line => line!.GetValue<string>().Contains("System.ArgumentException: shape mismatch shown on purpose"));
    }

    [Fact]
    public void A_notebook_with_only_the_Jupyter_kernelspec_runs_and_a_leftover_foreground_thread_does_not_hold_it()
    {
        Assert.Equal(2, Default.SummaryOf("jupyter-kernelspec.ipynb")["cellsExecuted"]!.GetValue<int>());
        Assert.Equal("from a Jupyter notebook\n", StreamText(Default.Cell("jupyter-kernelspec.ipynb", 1)));
        Assert.Equal("left a thread running\n", StreamText(Default.Cell("jupyter-kernelspec.ipynb", 2)));
        Assert.True(Default.SummaryOf("jupyter-kernelspec.ipynb")["seconds"]!.GetValue<double>() < 110, "the worker waited for the thread");
    }

    [Fact]
    public void By_default_the_exercise_stub_runs_and_the_check_says_not_done_yet()
    {
        Assert.Contains("NotImplementedException", Text(Default.Cell("exercise.ipynb", 2)["source"]));
        Assert.Equal("⏳ square: not done yet\n", StreamText(Default.Cell("exercise.ipynb", 3)));
        Assert.Equal("⏳ square: not done yet\n", StreamText(run.Both.Cell("exercise.ipynb", 3)));   // --both: first pass
    }

    [Fact]
    public void With_solutions_the_tagged_cell_is_replaced_by_its_block_and_the_check_passes()
    {
        var stub = run.Solutions.Cell("exercise.ipynb", 2);
        Assert.Equal("static int Square(int x)\n{\n    return x * x;\n}", Text(stub["source"]));
        Assert.Equal("✅ square: passed\n", StreamText(run.Solutions.Cell("exercise.ipynb", 3)));
    }

    [Fact]
    public void Executed_notebooks_keep_the_Polyglot_metadata_and_are_valid_nbformat_4()
    {
        var notebook = Default.Notebook("display.ipynb");
        Assert.Equal("csharp", notebook["metadata"]!["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());
        NbformatValidator.AssertValid(Directory.GetFiles(run.OutputFolder, "*.ipynb", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(run.BothFolder, "*.ipynb", SearchOption.AllDirectories)));
    }
}
