using System.Runtime.CompilerServices;

namespace CnnFromScratch.Fast;

/// <summary>
/// Whether an array holds only finite numbers (<see cref="Simd.AllFinite"/>), in one pass split across the cores. Training checks the whole training set once before it starts (60,000 images are 188 MB; one core read
/// them in 30 ms, as long as a tenth of an epoch of the course network).
/// </summary>
internal sealed class FiniteCheck : ChunkedPass
{
    private const int ParallelLength = 1 << 16; // shorter arrays are checked on the caller
    private const int Block = 1 << 14;

    [ThreadStatic] private static FiniteCheck? t_pass;

    private float[] _data = [];
    private readonly bool[] _finite = new bool[MaxChunks];

    /// <summary>True when every value of <paramref name="data"/> is finite.</summary>
    public static bool AllFinite(float[] data)
    {
        if (data.Length < ParallelLength) return Simd.AllFinite(data);
        var pass = t_pass ??= new FiniteCheck();
        pass._data = data;
        try
        {
            pass.Run((data.Length + Block - 1) / Block);
            for (int c = 0; c < pass.Chunks; c++)
                if (!pass._finite[c]) return false;
            return true;
        }
        finally { pass._data = []; }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(int chunk, int start, int end)
    {
        int from = start * Block;
        _finite[chunk] = Simd.AllFinite(_data.AsSpan(from, Math.Min(end * Block, _data.Length) - from));
    }
}
