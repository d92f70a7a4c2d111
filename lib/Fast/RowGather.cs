using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace CnnFromScratch.Fast;

/// <summary>
/// Copies chosen rows of a data set into consecutive rows of a batch (a shuffled mini-batch, or consecutive samples for
/// prediction), split across cores when the batch is large, so that each core then finds its part of the batch in its
/// cache. A shuffled batch's rows sit at random places in the whole set (188 MB for Fashion-MNIST), so the copy waits on
/// memory, not on arithmetic: the two cores each fetch their own rows, and each row is prefetched while the previous one
/// is copied.
/// </summary>
internal sealed class RowGather : ChunkedPass
{
    // Below this many floats the batch is copied on the caller (a batch of 32 Fashion-MNIST images is 25,088).
    private const int ParallelLength = 1 << 14;

    [ThreadStatic] private static RowGather? t_pass;

    private float[] _source = [], _destination = [];
    private int[]? _rows; // null: consecutive rows from _first
    private int _first, _rowLength;
    private bool _check;
    private readonly bool[] _finite = new bool[MaxChunks]; // per chunk, when _check
    /// <summary>destination row r ← source row rows[first + r], for r = 0 … count−1, rows of <paramref name="rowLength"/> floats.</summary>
    public static void Copy(float[] source, int[] rows, int first, int count, int rowLength, float[] destination)
    {
        if ((long)(first + count) > rows.Length || (long)count * rowLength > destination.Length)
            throw new ArgumentException($"The batch needs rows {first}…{first + count - 1} of the order and {(long)count * rowLength} floats of destination.");
        (t_pass ??= new RowGather()).Start(source, rows, first, count, rowLength, destination);
    }

    /// <summary>
    /// destination row r ← source row first + r, for r = 0 … count−1 (a batch of consecutive samples: prediction), and
    /// whether every copied value is finite (<see cref="Simd.AllFinite"/>, each chunk read again while it is in the cache:
    /// prediction checks every batch, and a separate pass over it cost as much as the copy).
    /// </summary>
    public static bool CopyRange(float[] source, int first, int count, int rowLength, float[] destination)
    {
        if ((long)(first + count) * rowLength > source.Length || (long)count * rowLength > destination.Length)
            throw new ArgumentException($"Rows {first}…{first + count - 1} of {rowLength} floats do not fit the source or the destination.");
        var pass = t_pass ??= new RowGather();
        pass._check = true;
        try { pass.Start(source, null, first, count, rowLength, destination); }
        finally { pass._check = false; }
        for (int c = 0; c < pass.Chunks; c++)
            if (!pass._finite[c]) return false;
        return true;
    }

    private void Start(float[] source, int[]? rows, int first, int count, int rowLength, float[] destination)
    {
        (_source, _rows, _first, _rowLength, _destination) = (source, rows, first, rowLength, destination);
        try { Run(count, (long)count * rowLength < ParallelLength ? 1 : MaxChunks); }
        finally { (_source, _rows, _destination) = ([], null, []); }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(int chunk, int start, int end)
    {
        int length = _rowLength;
        if (_rows is null)
        {
            Span<float> rows = _destination.AsSpan(start * length, (end - start) * length);
            _source.AsSpan((_first + start) * length, rows.Length).CopyTo(rows);
            if (_check) _finite[chunk] = Simd.AllFinite(rows);
            return;
        }
        for (int r = start; r < end; r++)
        {
            if (r + 1 < end) Prefetch(_source, _rows[_first + r + 1] * length, length);
            _source.AsSpan(_rows[_first + r] * length, length).CopyTo(_destination.AsSpan(r * length, length));
        }
    }

    // Asks for every cache line of the row at offset..offset+length: the copy of the previous row hides their latency.
    private static unsafe void Prefetch(float[] array, int offset, int length)
    {
        if (!Sse.IsSupported || (uint)offset + (uint)length > (uint)array.Length) return;
        fixed (float* row = &array[offset])
            for (int b = 0; b < length * sizeof(float); b += 64) Sse.Prefetch0((byte*)row + b);
    }
}
