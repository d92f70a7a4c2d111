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

    /// <summary>Takes the folder's lock, or throws <see cref="UsageException"/> when another run holds it.</summary>
    public static OutputLock Take(string outputDirectory)
    {
        try
        {
            Directory.CreateDirectory(outputDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--out {outputDirectory} cannot be created: {e.Message} Name a folder you can write to.");
        }
        try
        {
            // FileShare.None is an exclusive lock on the file (flock on Linux and macOS), held while the file is open.
            return new OutputLock(new FileStream(Path.Combine(outputDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new UsageException(
                $"another run is writing to {outputDirectory}; wait for it to finish, or give this run its own --out folder.");
        }
    }

    public void Dispose() => _file.Dispose();
}
