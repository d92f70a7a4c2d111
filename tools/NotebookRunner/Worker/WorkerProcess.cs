using System.Text.Json;

namespace NotebookRunner.Worker;

/// <summary>
/// The child process that runs one notebook: reads a <see cref="WorkerJob"/> on standard input, runs its cells in the
/// kernel, and reports each start, outputs change and end as a prefixed JSON line on the original standard output.
/// Outputs are sent as they are produced (at most every <see cref="FlushInterval"/>), so a cell that is stopped or
/// crashes keeps what it printed.
/// </summary>
internal static class WorkerProcess
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);
    private static readonly object ProtocolGate = new();

    public static async Task<int> RunAsync()
    {
        // The kernel takes over Console.Out; the protocol keeps the process's real standard output.
        var protocol = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var input = Console.In;
        Console.SetIn(TextReader.Null);

        // The kernel starts before the job comes: the runner starts a notebook's worker while the one before runs.
        using var session = new KernelSession();
        await session.WarmUpAsync();
        var text = await input.ReadToEndAsync();
        if (text.Length == 0) Environment.Exit(0);   // a spare worker the runner did not need
        var job = JsonSerializer.Deserialize<WorkerJob>(text, WorkerEvent.Json)
            ?? throw new InvalidOperationException("The worker received an empty job.");
        Directory.SetCurrentDirectory(Path.GetDirectoryName(job.NotebookPath)!);
        using var flushing = new CancellationTokenSource();
        var flusher = FlushPeriodicallyAsync(protocol, session, flushing.Token);

        foreach (var cell in job.Cells)
        {
            Send(protocol, new WorkerEvent(WorkerEvent.KindStart, cell.Number));
            var (count, failure) = await session.RunCellAsync(cell);
            Flush(protocol, session);
            Send(protocol, new WorkerEvent(WorkerEvent.KindEnd, cell.Number, ExecutionCount: count, Failure: failure));
            // Like "Run All" in the editor: the first failing cell stops the notebook (later cells would only cascade).
            if (failure is not null) break;
        }
        flushing.Cancel();
        await flusher;
        Flush(protocol, session);
        Send(protocol, new WorkerEvent(WorkerEvent.KindDone, 0));
        // A thread a cell left running (a foreground thread, a timer) must not keep the notebook from finishing.
        Environment.Exit(0);
        return 0;
    }

    private static async Task FlushPeriodicallyAsync(StreamWriter protocol, KernelSession session, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(FlushInterval, stop);
                Flush(protocol, session);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void Flush(StreamWriter protocol, KernelSession session)
    {
        foreach (var changed in session.TakeDirty())
            Send(protocol, new WorkerEvent(WorkerEvent.KindOutputs, changed.Cell, changed.ToJson()));
    }

    private static void Send(StreamWriter protocol, WorkerEvent message)
    {
        var line = WorkerEvent.LinePrefix + JsonSerializer.Serialize(message, WorkerEvent.Json);
        lock (ProtocolGate) protocol.WriteLine(line);
    }
}
