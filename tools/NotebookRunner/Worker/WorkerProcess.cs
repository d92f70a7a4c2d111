using System.Text.Json;

namespace NotebookRunner.Worker;

/// <summary>
/// The child process that runs one notebook: reads a <see cref="WorkerJob"/> on standard input, runs its cells,
/// and reports each start, outputs change and end as a prefixed JSON line on the original standard output.
/// </summary>
internal static class WorkerProcess
{
    public static async Task<int> RunAsync()
    {
        var job = JsonSerializer.Deserialize<WorkerJob>(await Console.In.ReadToEndAsync(), WorkerEvent.Json)
            ?? throw new InvalidOperationException("The worker received an empty job.");
        var protocol = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var session = new NotebookSession(job.NotebookPath, job.NuGetCache);

        // Everything the notebook prints goes to the running cell's outputs; Console.ReadLine sees end of input.
        Console.SetOut(new CellConsoleWriter(() => session.Current, "stdout"));
        Console.SetError(new CellConsoleWriter(() => session.Current, "stderr"));
        Console.SetIn(TextReader.Null);
        Directory.SetCurrentDirectory(Path.GetDirectoryName(job.NotebookPath)!);
        await session.StartAsync();

        foreach (var cell in job.Cells)
        {
            Send(protocol, new WorkerEvent(WorkerEvent.KindStart, cell.Number));
            var (count, failure) = await session.RunCellAsync(cell);
            foreach (var changed in session.TakeDirty())
                Send(protocol, new WorkerEvent(WorkerEvent.KindOutputs, changed.Cell, changed.ToJson()));
            Send(protocol, new WorkerEvent(WorkerEvent.KindEnd, cell.Number, ExecutionCount: count, Failure: failure));
            // Like "Run All" in the editor: the first failing cell stops the notebook (later cells would only cascade).
            if (failure is not null) break;
        }
        return 0;
    }

    private static void Send(StreamWriter protocol, WorkerEvent message) =>
        protocol.WriteLine(WorkerEvent.LinePrefix + JsonSerializer.Serialize(message, WorkerEvent.Json));
}
