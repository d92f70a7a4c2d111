using NotebookRunner;
using NotebookRunner.Supervisor;
using NotebookRunner.Worker;

if (args is [RunnerOptions.WorkerFlag])
    return await WorkerProcess.RunAsync();
if (args.Contains("-h") || args.Contains("--help"))
{
    Console.WriteLine(RunnerOptions.Usage);
    return 0;
}

try
{
    var options = RunnerOptions.Parse(args);
    var notebooks = NotebookFinder.Find(options.Paths, options.OutputDirectory);
    using var outputLock = OutputLock.Take(options.OutputDirectory);
    var modes = options.Mode switch
    {
        ExerciseMode.Stubs => new[] { false },
        ExerciseMode.Solutions => [true],
        _ => [false, true],
    };
    bool allPassed = true;
    using var workers = new KernelWorkers();
    int toRun = modes.Length * notebooks.Count;
    foreach (var solutions in modes)
    {
        var mode = solutions ? "solutions" : "default";
        var outputDirectory = solutions ? Path.Combine(options.OutputDirectory, "solutions") : options.OutputDirectory;
        var run = new NotebookRun(options, Console.Out, workers);
        var results = new List<NotebookResult>();
        foreach (var (path, relative) in notebooks)
            results.Add(await run.RunGuardedAsync(path, Path.Combine(outputDirectory, relative), solutions, moreToCome: --toRun > 0));
        var summary = Path.Combine(outputDirectory, "summary.json");
        Summary.Write(summary, mode, results);
        Summary.PrintTable(Console.Out, mode, results);
        Console.WriteLine($"Executed notebooks and summary.json: {NotebookRun.DisplayPath(outputDirectory)}");
        allPassed &= results.All(r => r.Passed);
    }
    return allPassed ? 0 : 1;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine("Run with --help for usage.");
    return 2;
}
