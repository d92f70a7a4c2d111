namespace CnnFromScratch.Layers;

/// <summary>
/// Runs a loop over independent items (samples, or channel planes) as one contiguous chunk per core.
/// A kernel keeps one instance per calling thread, and the loop delegate is created once in the constructor,
/// so a call allocates no closure; subclasses hold the call's arguments in fields.
/// </summary>
internal abstract class ChunkedPass
{
    private readonly Action<int> _chunk;
    private int _items, _chunks;

    protected ChunkedPass() => _chunk = RunChunk;

    /// <summary>Processes items 0..<paramref name="items"/>−1, in parallel when there is more than one chunk.</summary>
    protected void Run(int items)
    {
        _items = items;
        _chunks = Math.Min(items, Environment.ProcessorCount);
        if (_chunks == 1) RunChunk(0);
        else if (_chunks > 1) Parallel.For(0, _chunks, _chunk);
    }

    /// <summary>Processes items [<paramref name="start"/>, <paramref name="end"/>) on the current thread.</summary>
    protected abstract void Process(int start, int end);

    private void RunChunk(int chunk) => Process((int)((long)chunk * _items / _chunks), (int)((long)(chunk + 1) * _items / _chunks));
}
