namespace NotebookRunner.Supervisor;

/// <summary>
/// Keeps one worker warm for the next notebook: each notebook's worker is started while the notebook before it runs,
/// so the run does not wait for a kernel to start (about 3 s each, most of it compiling the first statement).
/// </summary>
internal sealed class KernelWorkers : IDisposable
{
    private KernelWorker? _spare;

    /// <summary>The warm worker (or a new one); starts the next when a later notebook may need it.</summary>
    public KernelWorker Take(bool moreToCome)
    {
        var worker = _spare ?? KernelWorker.Start();
        _spare = moreToCome ? KernelWorker.Start() : null;
        return worker;
    }

    public void Dispose()
    {
        _spare?.Dispose();
        _spare = null;
    }
}
