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
internal sealed class NotebookRun(RunnerOptions options, TextWriter progress)
{
    public const string SkipTag = "skip-execution";
    public const string RaisesTag = "raises-exception";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(2);

    private Queue<KeyValuePair<int, string>> _skipped = new();
    private int _total;

    public async Task<NotebookResult> RunAsync(string notebookPath, string outputPath, bool solutions)
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
            progress.WriteLine($"✗ {display}: {e.Message}");
            return new NotebookResult(display, null, 0, 0, 0, [new CellFailure(null, null, null, e.Message)], clock.Elapsed.TotalSeconds);
        }

        var jobCells = new List<JobCell>();
        var skipped = new Dictionary<int, string>();
        foreach (var cell in notebook.Cells.Where(c => c.IsCode))
        {
            cell.ClearOutputs();
            var kernel = cell.KernelName(notebook.DefaultKernel);
            if (!NotebookCell.IsCSharp(kernel)) skipped[cell.Number] = $"kernel {kernel ?? "unknown"}";
            else if (cell.HasTag(SkipTag)) skipped[cell.Number] = SkipTag;
            else jobCells.Add(new JobCell(cell.Number, cell.CodeToRun(), cell.HasTag(RaisesTag)));
        }

        int total = notebook.Cells.Count;
        progress.WriteLine($"▶ {display} ({total} cells, {jobCells.Count} to run{(solutions ? ", with solutions" : "")})");
        _skipped = new Queue<KeyValuePair<int, string>>(skipped.OrderBy(s => s.Key));
        _total = total;

        var (executed, failures) = jobCells.Count == 0
            ? (0, new List<CellFailure>())
            : await RunWorkerAsync(notebook, new WorkerJob(notebook.Path, jobCells, options.NuGetCache), total);

        ReportSkippedBefore(int.MaxValue);
        notebook.Save(outputPath);
        var seconds = clock.Elapsed.TotalSeconds;
        progress.WriteLine(failures.Count == 0
            ? $"✓ {display}: {executed} cells in {seconds:0.0} s"
            : $"✗ {display}: {failures.Count} failure(s); executed copy: {DisplayPath(outputPath)}");
        return new NotebookResult(display, outputPath, total, jobCells.Count, executed, failures, seconds);
    }

    private async Task<(int Executed, List<CellFailure> Failures)> RunWorkerAsync(Notebook notebook, WorkerJob job, int total)
    {
        var cells = notebook.Cells.ToDictionary(c => c.Number);
        var failures = new List<CellFailure>();
        int executed = 0;
        var stderr = new StringBuilder();

        using var process = StartWorker();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(job, WorkerEvent.Json));
        process.StandardInput.Close();

        int? running = null;
        var cellClock = Stopwatch.StartNew();   // also times the worker's start-up, before the first cell
        // Start-up (runtime, compiler warm-up) is not a cell's fault: it gets at least StartupTimeout.
        var limit = options.CellTimeout > StartupTimeout ? options.CellTimeout : StartupTimeout;
        Task<string?>? pending = null;
        while (true)
        {
            pending ??= process.StandardOutput.ReadLineAsync();
            var remaining = limit - cellClock.Elapsed;
            if (remaining < TimeSpan.Zero || await Task.WhenAny(pending, Task.Delay(remaining)) != pending)
            {
                // A runaway cell: stop the whole worker (and anything it started), keep what ran before.
                process.Kill(entireProcessTree: true);
                var message = running is int cell
                    ? $"the cell ran longer than the time limit of {limit.TotalSeconds:0.#} s and was stopped (--cell-timeout SECONDS to change it)."
                    : $"the worker did not start within {limit.TotalSeconds:0.#} s.";
                if (running is int number) AppendError(cells[number], "TimeoutError", message);
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
                    string tail;
                    lock (stderr) tail = stderr.ToString().Trim();
                    var message = $"the worker process exited with code {process.ExitCode}"
                        + (running is int r ? $" while running cell {r}" : "")
                        + (tail.Length > 0 ? $": {tail}" : ".");
                    if (running is int number) AppendError(cells[number], "WorkerCrashed", message);
                    failures.Add(new CellFailure(running, null, null, message));
                    Report(running ?? 0, total, "CRASHED", cellClock.Elapsed, message);
                }
                break;
            }
            if (!line.StartsWith(WorkerEvent.LinePrefix, StringComparison.Ordinal))
            {
                // Text a native library wrote straight to the process's standard output.
                if (running is int number) AppendStream(cells[number], line + "\n");
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
                    cells[report.Cell].SetOutputs(report.Outputs ?? []);
                    break;
                case WorkerEvent.KindEnd:
                    executed++;
                    running = null;
                    cells[report.Cell].SetExecutionCount(report.ExecutionCount ?? executed);
                    if (report.Failure is { } failure) failures.Add(failure);
                    Report(report.Cell, total, report.Failure is null ? "ok" : "FAILED", cellClock.Elapsed, Describe(report.Failure));
                    cellClock.Restart();
                    break;
            }
        }
        if (!process.HasExited) await process.WaitForExitAsync();
        return (executed, failures);
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

    private static void AppendError(NotebookCell cell, string name, string message)
    {
        var outputs = cell.Json["outputs"] as JsonArray ?? [];
        outputs.Add(new JsonObject
        {
            ["output_type"] = "error",
            ["ename"] = name,
            ["evalue"] = message,
            ["traceback"] = new JsonArray(message),
        });
        cell.SetOutputs(outputs);
    }

    private static void AppendStream(NotebookCell cell, string text)
    {
        var outputs = cell.Json["outputs"] as JsonArray ?? [];
        outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = Notebook.ToLines(text) });
        cell.SetOutputs(outputs);
    }

    /// <summary>Starts this same program in worker mode (through dotnet when it runs as a .dll).</summary>
    private static Process StartWorker()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(NotebookRun).Assembly.Location);
        start.ArgumentList.Add(RunnerOptions.WorkerFlag);
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start the worker process {host}.");
    }
}
