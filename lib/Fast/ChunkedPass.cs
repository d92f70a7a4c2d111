namespace CnnFromScratch.Fast;

/// <summary>
/// Runs a loop over independent items (samples, or channel planes) as a fixed number of contiguous chunks that the
/// <see cref="WorkerPool"/> spreads over the cores. A kernel keeps one instance per calling thread and holds the call's
/// arguments in fields, so a call allocates nothing.
/// </summary>
/// <remarks>
/// The chunks depend only on the number of items, never on the number of cores or on which thread runs which chunk,
/// so a kernel that sums partial results per chunk (in chunk order) gives the same bits on every machine and every run.
/// </remarks>
internal abstract class ChunkedPass
{
    /// <summary>At most this many chunks: enough to balance 2–8 cores, few enough that claiming a chunk costs nothing.</summary>
    public const int MaxChunks = 8;

    private int _items, _chunks;

    /// <summary>The number of chunks of the current call.</summary>
    protected int Chunks => _chunks;

    /// <summary>
    /// Processes items 0..<paramref name="items"/>−1 in <see cref="Chunks"/> chunks, in parallel when there are several.
    /// <paramref name="maxChunks"/> 1 runs everything on the caller (work too small to be worth waking another core).
    /// </summary>
    protected void Run(int items, int maxChunks = MaxChunks)
    {
        _items = items;
        _chunks = Math.Min(items, Math.Clamp(maxChunks, 1, MaxChunks));
        WorkerPool.Run(this, _chunks);
    }

    /// <summary>Processes items [<paramref name="start"/>, <paramref name="end"/>), chunk number <paramref name="chunk"/>, on the current thread.</summary>
    protected abstract void Process(int chunk, int start, int end);

    /// <summary>Runs one chunk (called by <see cref="WorkerPool"/>).</summary>
    internal void RunChunk(int chunk) =>
        Process(chunk, (int)((long)chunk * _items / _chunks), (int)((long)(chunk + 1) * _items / _chunks));
}
