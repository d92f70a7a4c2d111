using CnnFromScratch.Testing;

namespace NotebookRunner.Tests;

/// <summary>
/// The second, independent proof: every chapter, as committed and with the solutions, runs through Jupyter's own
/// client in the real .NET Interactive kernel (the pinned tool, its <c>.net-csharp</c> kernelspec), the path a student
/// takes in JupyterLab or VS Code's Jupyter extension, and prints what the runner printed, cell by cell.
/// </summary>
[Collection(ChapterRunCollection.Name)]
public sealed class JupyterLaneTests(ChapterRun run)
{
    private static readonly TimeSpan CellTimeout = TimeSpan.FromMinutes(10);

    [SkippableFact]
    public void Every_chapter_runs_in_the_real_kernel_through_nbclient_and_prints_what_the_runner_printed()
    {
        var python = JupyterKernel.FindPython();
        Prerequisite.Require(python is not null,
            "Python 3 with Jupyter's nbclient and nbformat was not found (the Jupyter lane runs every chapter through it)",
            "sudo apt-get install -y python3-nbclient (Debian), or pip install nbclient");
        var chapters = ChapterRun.Chapters;
        if (chapters.Count == 0) return;
        Assert.True(run.Result.ExitCode == 0, $"The runner failed on the chapters, so there is nothing to compare with (see ChapterTests):\n{run.Result.Log}");

        JupyterKernel.Restore();
        var output = RunnerProcess.NewOutputFolder("jupyter-lane");
        // The runner's executed copies are the input: in the solutions run their exercise cells already hold the
        // solutions, substituted by the runner itself. nbclient replaces every output as it runs each cell.
        (string Name, ExecutedRun Run, string Folder)[] modes = [("as committed", run.Committed, "committed"), ("with solutions", run.Solved, "solutions")];
        var jobs = (from mode in modes
                    from chapter in chapters
                    let relative = Path.GetRelativePath(ChapterRun.NotebooksFolder, chapter)
                    select (Name: $"{relative} ({mode.Name})", Relative: relative, mode.Run,
                            Input: Path.Combine(mode.Run.OutputFolder, relative),
                            Output: Path.Combine(output, mode.Folder, relative),
                            WorkingDirectory: Path.GetDirectoryName(chapter)!)).ToList();

        // Two kernels side by side (the CI machine has 2 cores), each with its own kernelspec and a random HTTP port
        // range of its own (also apart from other test runs on the same machine).
        var results = new RunResult[jobs.Count];
        int next = -1;
        int slots = Math.Clamp(Environment.ProcessorCount, 1, 2);
        Parallel.For(0, slots, slot =>
        {
            int first = 2048 + 50 * (2 * Random.Shared.Next(250) + slot);
            var kernel = JupyterKernel.Install(python!, $"{first}-{first + 49}");
            for (int i = Interlocked.Increment(ref next); i < jobs.Count; i = Interlocked.Increment(ref next))
                results[i] = kernel.Execute(jobs[i].Input, jobs[i].Output, jobs[i].WorkingDirectory, CellTimeout);
        });

        var problems = new List<string>();
        for (int i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            if (results[i].ExitCode != 0 || !File.Exists(job.Output))
            {
                problems.Add($"{job.Name}: nbclient did not finish (exit {results[i].ExitCode}):\n{JupyterKernel.WithoutInfoLogs(results[i].Stderr)}");
                continue;
            }
            problems.AddRange(OutputComparison.Divergences(job.Name, job.Run.Notebook(job.Relative), new ExecutedRun(Path.GetDirectoryName(job.Output)!).Notebook(Path.GetFileName(job.Output))));
        }
        Assert.True(problems.Count == 0, $"{problems.Count} divergence(s) between the real kernel (nbclient) and the runner:\n\n" + string.Join("\n\n", problems));
    }
}
