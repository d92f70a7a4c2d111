namespace NotebookRunner.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void An_unknown_option_is_a_usage_error_with_exit_code_two()
    {
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, "--fast");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown option --fast", result.Stderr);
    }

    [Fact]
    public void A_path_that_does_not_exist_is_a_usage_error()
    {
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, "no-such-folder");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-folder is neither a notebook file nor a folder", result.Stderr);
    }

    [Fact]
    public void Help_lists_the_options()
    {
        var result = RunnerProcess.Run(RunnerProcess.RepositoryRoot, "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--solutions", "--both", "--out", "--cell-timeout" })
            Assert.Contains(option, result.Stdout);
    }
}
