using static NotebookRunner.Tests.ExecutedRun;

namespace NotebookRunner.Tests;

public sealed class TimeLimitTests
{
    // The limit is well above what the first cell takes on a busy 2-core machine, and far below "forever".
    [Fact]
    public void A_runaway_cell_is_stopped_at_the_time_limit_and_reported_with_its_cell()
    {
        var output = RunnerProcess.NewOutputFolder("timeout");
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot,
            Path.Combine(RunnerProcess.Fixtures, "timeout"), "--cell-timeout", "10", "--out", output);

        Assert.True(result.ExitCode == 1, result.Log);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(240), $"took {result.Elapsed}");   // kernel start-up on a busy machine, then 10 s
        var run = new ExecutedRun(output);
        var failure = run.SummaryOf("runaway.ipynb")["failures"]!.AsArray().Single()!;
        Assert.Equal(2, failure["cell"]!.GetValue<int>());
        Assert.Contains("longer than the time limit of 10 s", failure["message"]!.GetValue<string>());
        Assert.Equal("started\n", StreamText(run.Cell("runaway.ipynb", 1)));
        Assert.Equal("spinning\n", StreamText(run.Cell("runaway.ipynb", 2)));   // streamed out before the cell was stopped
        Assert.Equal("TimeoutError", Outputs(run.Cell("runaway.ipynb", 2)).Last()["ename"]!.GetValue<string>());
        Assert.Null(run.Cell("runaway.ipynb", 3)["execution_count"]);
        Assert.Matches(@"cell 2/3  TIMEOUT +\d", result.Stdout);
        NbformatValidator.AssertValid([Path.Combine(output, "runaway.ipynb")]);
    }
}
