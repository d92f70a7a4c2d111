using System.Runtime.CompilerServices;

namespace CnnFromScratch.Fast;

/// <summary>
/// Whether an array holds only finite numbers, in one pass split across the cores: any NaN or ∞ makes a chunk's sum
/// non-finite. Training checks the whole training set once before it starts (60,000 images are 188 MB; one core read
/// them in 30 ms, as long as a tenth of an epoch of the course network).
/// </summary>
internal sealed class FiniteCheck : ChunkedPass
{
    private const int ParallelLength = 1 << 16; // shorter arrays are checked on the caller
    private const int Block = 1 << 14;

    [ThreadStatic] private static FiniteCheck? t_pass;

    private float[] _data = [];
    private readonly float[] _sums = new float[MaxChunks];

    /// <summary>True when the sum of every chunk of <paramref name="data"/> is finite (so, barring overflow, every value is).</summary>
    public static bool SumsAreFinite(float[] data)
    {
        if (data.Length < ParallelLength) return float.IsFinite(Simd.Sum(data));
        var pass = t_pass ??= new FiniteCheck();
        pass._data = data;
        try
        {
            pass.Run((data.Length + Block - 1) / Block);
            for (int c = 0; c < pass.Chunks; c++)
                if (!float.IsFinite(pass._sums[c])) return false;
            return true;
        }
        finally { pass._data = []; }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(int chunk, int start, int end)
    {
        int from = start * Block;
        _sums[chunk] = Simd.Sum(_data.AsSpan(from, Math.Min(end * Block, _data.Length) - from));
    }
}
