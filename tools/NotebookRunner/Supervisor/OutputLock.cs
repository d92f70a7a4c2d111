namespace NotebookRunner.Supervisor;

/// <summary>
/// One run at a time per output folder: two runs writing the same executed notebooks and summary.json would each
/// report success over the other's files. The lock is an open file the operating system releases when the run ends,
/// even when it is killed.
/// </summary>
internal sealed class OutputLock : IDisposable
{
    public const string FileName = ".notebook-runner.lock";

    private readonly FileStream _file;

    private OutputLock(FileStream file) => _file = file;

    /// <summary>Takes the folder's lock, or throws <see cref="UsageException"/> naming the run that holds it.</summary>
    public static OutputLock Take(string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, FileName);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true)) writer.Write($"process {Environment.ProcessId}\n");
            return new OutputLock(file);
        }
        catch (IOException)
        {
            string holder;
            try { holder = File.ReadAllText(path).Trim(); } catch (IOException) { holder = "another process"; }
            throw new UsageException(
                $"another run ({holder}) is writing to {outputDirectory}; wait for it to finish, or give this run its own --out folder.");
        }
    }

    public void Dispose() => _file.Dispose();
}
