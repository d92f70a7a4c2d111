using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookRunner.Notebooks;

namespace NotebookRunner.Supervisor;

/// <summary>The outcome of one notebook in one mode, as summary.json and the final table report it.</summary>
internal sealed record NotebookResult(
    string Notebook, string? Output, int Cells, int CellsToRun, int CellsExecuted, IReadOnlyList<CellFailure> Failures, double Seconds)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>
/// Runs one notebook in a worker process: prepares the cells (kernel, tags, solutions), enforces the per-cell time
/// limit, collects outputs into the executed copy, and prints progress.
/// </summary>
internal sealed class NotebookRun(RunnerOptions options, TextWriter progress, KernelWorkers workers)
{
    public const string SkipTag = "skip-execution";
    public const string RaisesTag = "raises-exception";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(2);

    private Queue<KeyValuePair<int, string>> _skipped = new();
    private int _total;

    /// <summary>
    /// Runs one notebook; whatever goes wrong with it is its own failure, so the other notebooks still run and the
    /// summary is still written.
    /// </summary>
    /// <param name="moreToCome">Whether notebooks follow, so a worker for the next one is started while this one runs.</param>
    public async Task<NotebookResult> RunGuardedAsync(string notebookPath, string outputPath, bool solutions, bool moreToCome)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return await RunAsync(notebookPath, outputPath, solutions, moreToCome);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(notebookPath, clock, $"could not be run or saved: {e.Message} Check the file and the --out folder.");
        }
        catch (Exception e)
        {
            return Failed(notebookPath, clock, $"stopped the runner with an internal error ({e.GetType().Name}: {e.Message}); please report it with this notebook.");
        }
    }

    private NotebookResult Failed(string notebookPath, Stopwatch clock, string message)
    {
        var display = DisplayPath(notebookPath);
        progress.WriteLine($"✗ {display}: {message}");
        return new NotebookResult(display, null, 0, 0, 0, [new CellFailure(null, null, null, message)], clock.Elapsed.TotalSeconds);
    }

    private async Task<NotebookResult> RunAsync(string notebookPath, string outputPath, bool solutions, bool moreToCome)
    {
        var clock = Stopwatch.StartNew();
        var display = DisplayPath(notebookPath);
        Notebook notebook;
        try
        {
            notebook = Notebook.Load(notebookPath);
            if (solutions) Solutions.Apply(notebook);
        }
        catch (Exception e) when (e is NotebookFormatException or SolutionsException)
        {
            return Failed(notebookPath, clock, e.Message);
        }

        var jobCells = new List<JobCell>();
        var skipped = new Dictionary<int, string>();
        foreach (var cell in notebook.Cells.Where(c => c.IsCode))
        {
            cell.ClearOutputs();
            var kernel = cell.KernelName(notebook.DefaultKernel);
            if (!NotebookCell.IsCSharp(kernel)) skipped[cell.Number] = $"kernel {kernel ?? "unknown"}";
            else if (cell.HasTag(SkipTag)) skipped[cell.Number] = SkipTag;
            else jobCells.Add(new JobCell(cell.Number, cell.Source, cell.HasTag(RaisesTag)));
        }

        int total = notebook.Cells.Count;
        progress.WriteLine($"▶ {display} ({total} cells, {jobCells.Count} to run{(solutions ? ", with solutions" : "")})");
        _skipped = new Queue<KeyValuePair<int, string>>(skipped.OrderBy(s => s.Key));
        _total = total;

        var (executed, failures) = jobCells.Count == 0
            ? (0, new List<CellFailure>())
            : await RunWorkerAsync(notebook, new WorkerJob(notebook.Path, jobCells), total, moreToCome);

        ReportSkippedBefore(int.MaxValue);
        if (jobCells.Count == 0)
            failures.Add(new CellFailure(null, null, null, NothingToRun(notebook, skipped)));
        notebook.Save(outputPath);
        var seconds = clock.Elapsed.TotalSeconds;
        progress.WriteLine(failures.Count == 0
            ? $"✓ {display}: {executed} cells in {seconds:0.0} s"
            : $"✗ {display}: {failures.Count} failure(s); executed copy: {DisplayPath(outputPath)}");
        return new NotebookResult(display, outputPath, total, jobCells.Count, executed, failures, seconds);
    }

    /// <summary>Why a notebook with no C# cell to run fails: a run that executed nothing is not a pass.</summary>
    private static string NothingToRun(Notebook notebook, Dictionary<int, string> skipped)
    {
        if (!notebook.Cells.Any(c => c.IsCode))
            return "has no code cell, so nothing was run. Add C# code cells, or leave this file out of the run.";
        var kernels = skipped.Values.Where(r => r.StartsWith("kernel ", StringComparison.Ordinal)).Distinct().ToList();
        return kernels.Count > 0
            ? $"has no C# cell to run (its cells are for {string.Join(", ", kernels)}). The runner runs C# notebooks: give the notebook the " +
              "\".net-csharp\" kernelspec (or Polyglot's \"csharp\" kernel metadata), or leave it out of the run."
            : "has no cell to run: every code cell is tagged skip-execution. Remove the tag from at least one cell.";
    }

    private async Task<(int Executed, List<CellFailure> Failures)> RunWorkerAsync(Notebook notebook, WorkerJob job, int total, bool moreToCome)
    {
        var cells = new Dictionary<int, SupervisedCell>();
        foreach (var cell in notebook.Cells) cells[cell.Number] = new SupervisedCell(cell);
        var failures = new List<CellFailure>();
        int executed = 0;

        using var worker = workers.Take(moreToCome);
        var process = worker.Process;
        var sending = worker.SendAsync(job);

        int? running = null;
        bool done = false;
        var cellClock = Stopwatch.StartNew();   // also times the worker's start-up, before the first cell
        // Start-up (runtime, kernel, compiler warm-up) is not a cell's fault: it gets at least StartupTimeout.
        var limit = options.CellTimeout > StartupTimeout ? options.CellTimeout : StartupTimeout;
        Task<string?>? pending = null;
        while (!done)
        {
            pending ??= process.StandardOutput.ReadLineAsync();
            var remaining = limit - cellClock.Elapsed;
            if (remaining < TimeSpan.Zero || await Task.WhenAny(pending, Task.Delay(remaining)) != pending)
            {
                // A runaway cell: stop the whole worker (and anything it started), keep what it and the cells before printed.
                process.Kill(entireProcessTree: true);
                var message = running is int cell
                    ? $"the cell ran longer than the time limit of {limit.TotalSeconds:0.#} s and was stopped (--cell-timeout SECONDS to change it)."
                    : $"the kernel did not start within {limit.TotalSeconds:0.#} s.";
                if (running is int number) cells[number].AddError("TimeoutError", message);
                failures.Add(new CellFailure(running, null, null, message));
                Report(running ?? 0, total, "TIMEOUT", cellClock.Elapsed, message);
                break;
            }

            var line = await pending;
            pending = null;
            if (line is null)
            {
                await process.WaitForExitAsync();
                if (running is not null || process.ExitCode != 0)
                {
                    var message = Crashed(process.ExitCode, running, worker.Stderr);
                    if (running is int number) cells[number].AddError("WorkerCrashed", message);
                    failures.Add(new CellFailure(running, null, null, message));
                    Report(running ?? 0, total, "CRASHED", cellClock.Elapsed, message);
                }
                break;
            }
            if (!line.StartsWith(WorkerEvent.LinePrefix, StringComparison.Ordinal))
            {
                // Text written straight to the process's standard output (Console.OpenStandardOutput, a native library).
                if (running is int number) cells[number].AppendNative(line + "\n");
                continue;
            }

            var report = JsonSerializer.Deserialize<WorkerEvent>(line[WorkerEvent.LinePrefix.Length..], WorkerEvent.Json)!;
            switch (report.Kind)
            {
                case WorkerEvent.KindStart:
                    running = report.Cell;
                    limit = options.CellTimeout;
                    cellClock.Restart();
                    break;
                case WorkerEvent.KindOutputs:
                    if (cells.TryGetValue(report.Cell, out var changed)) changed.SetKernelOutputs(report.Outputs ?? []);
                    break;
                case WorkerEvent.KindEnd:
                    executed++;
                    running = null;
                    cells[report.Cell].Cell.SetExecutionCount(report.ExecutionCount ?? executed);
                    if (report.Failure is { } failure) failures.Add(failure);
                    Report(report.Cell, total, report.Failure is null ? "ok" : "FAILED", cellClock.Elapsed, Describe(report.Failure));
                    cellClock.Restart();
                    break;
                case WorkerEvent.KindDone:
                    done = true;
                    break;
            }
        }
        // The worker exits right after "done"; one that lingers is stopped when it is disposed.
        process.WaitForExit(TimeSpan.FromSeconds(10));
        await sending;
        return (executed, failures);
    }

    /// <summary>
    /// What a worker that died says: exit 137 is the kill signal, usually the system running out of memory; otherwise
    /// the runtime's own reason (an exception thrown on a thread of the cell's, a stack overflow), without its stack trace.
    /// </summary>
    private static string Crashed(int exitCode, int? cell, string stderr)
    {
        var during = cell is int r ? $" while running cell {r}" : "";
        if (exitCode == 137)
            return $"the kernel process was killed{during} (exit code 137, SIGKILL): most likely the system ran out of memory. " +
                   "Make the cell use less memory (smaller batches or data), or close other programs, and run again.";
        var lines = stderr.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var reason = lines.FirstOrDefault(l => l.StartsWith("Unhandled exception.", StringComparison.Ordinal) || l.StartsWith("Stack overflow.", StringComparison.Ordinal))
                     ?? lines.LastOrDefault(l => !l.StartsWith("at ", StringComparison.Ordinal));
        if (reason is { Length: > 300 }) reason = reason[..300] + "…";
        return $"the kernel process exited with code {exitCode}{during}" + (reason is null ? "." : $": {reason}");
    }

    /// <summary>
    /// A cell's outputs as the supervisor assembles them: what the kernel reported, then text written past the kernel
    /// to the process's standard output, then the supervisor's own errors (time limit, crash).
    /// </summary>
    private sealed class SupervisedCell(NotebookCell cell)
    {
        private JsonArray _kernel = [];
        private readonly StringBuilder _native = new();
        private readonly List<JsonObject> _errors = [];

        public NotebookCell Cell { get; } = cell;

        public void SetKernelOutputs(JsonArray outputs)
        {
            _kernel = outputs;
            Refresh();
        }

        public void AppendNative(string text)
        {
            _native.Append(text);
            Refresh();
        }

        public void AddError(string name, string message)
        {
            _errors.Add(new JsonObject
            {
                ["output_type"] = "error",
                ["ename"] = name,
                ["evalue"] = message,
                ["traceback"] = new JsonArray(message),
            });
            Refresh();
        }

        private void Refresh()
        {
            var outputs = new JsonArray(_kernel.Select(o => o?.DeepClone()).ToArray());
            if (_native.Length > 0)
                outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = Notebook.ToLines(_native.ToString()) });
            foreach (var error in _errors) outputs.Add(error.DeepClone());
            Cell.SetOutputs(outputs);
        }
    }

    private void Report(int cell, int total, string status, TimeSpan elapsed, string? detail)
    {
        ReportSkippedBefore(cell);
        progress.WriteLine($"  cell {cell}/{total}  {status,-7} {elapsed.TotalSeconds,6:0.0} s{(detail is null ? "" : "  " + detail)}");
    }

    /// <summary>Skipped cells are listed where they sit in the notebook, between the cells that ran.</summary>
    private void ReportSkippedBefore(int cell)
    {
        while (_skipped.Count > 0 && _skipped.Peek().Key < cell)
        {
            var (number, reason) = _skipped.Dequeue();
            progress.WriteLine($"  cell {number}/{_total}  skipped ({reason})");
        }
    }

    /// <summary>A path relative to the current folder when it is inside it, else the full path.</summary>
    public static string DisplayPath(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative;
    }

    /// <summary>"line 3, column 5: CS0103: …" — what a reader needs to find the problem.</summary>
    public static string? Describe(CellFailure? failure)
    {
        if (failure is null) return null;
        var where = failure.Line is int line ? (failure.Column is int column ? $"line {line}, column {column}: " : $"line {line}: ") : "";
        return where + failure.Message;
    }
}
