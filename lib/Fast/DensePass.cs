using System.Runtime.CompilerServices;
using CnnFromScratch.Layers;

namespace CnnFromScratch.Fast;

/// <summary>
/// The matrix products of <see cref="Dense"/> on <see cref="Gemm"/>, split across cores: the forward pass and ∂J/∂x by
/// rows of the batch, ∂J/∂W by rows of W (one per output), so no two chunks write the same element and nothing needs adding up.
/// </summary>
internal sealed class DensePass : ChunkedPass
{
    // Below this many multiply-adds a product runs on the caller: waking another core costs about a microsecond.
    private const long ParallelWork = 64 * 1024;

    private bool _backward;
    private int _n, _d, _k;
    private float[] _x = [], _w = [], _b = [], _z = [], _delta = [], _dW = [];
    private float[]? _dx;

    /// <summary>z (N×K) = x (N×D) · Wᵀ + b, for W of K×D.</summary>
    public void Forward(float[] x, float[] w, float[] b, float[] z, int n, int d, int k)
    {
        (_backward, _x, _w, _b, _z, _n, _d, _k) = (false, x, w, b, z, n, d, k);
        RunAndForget(n);
    }

    /// <summary>dW (K×D) += δᵀ (K×N) · x (N×D), and, when <paramref name="dx"/> is given, dx (N×D) = δ (N×K) · W (K×D).</summary>
    public void Backward(float[] delta, float[] x, float[] w, float[] dW, float[]? dx, int n, int d, int k)
    {
        (_backward, _delta, _x, _w, _dW, _dx, _n, _d, _k) = (true, delta, x, w, dW, dx, n, d, k);
        // One pass does both products; each chunk takes its share of the rows of W and of the batch (see Process).
        RunAndForget(Math.Max(n, k));
    }

    private void RunAndForget(int items)
    {
        try { Run(items, (long)_n * _d * _k >= ParallelWork ? MaxChunks : 1); }
        finally { (_x, _w, _b, _z, _delta, _dW, _dx) = ([], [], [], [], [], [], null); }
    }

    // Row r of W, moved down to a multiple of 4 unless it is the end K.
    private int FourRows(int r) => r == _k ? r : r & ~3;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(int chunk, int start, int end)
    {
        if (!_backward)
        {
            int rows = end - start;
            Span<float> z = _z.AsSpan(start * _k, rows * _k);
            for (int s = 0; s < rows; s++) _b.AsSpan(0, _k).CopyTo(z.Slice(s * _k, _k));
            Gemm.MultiplyTransposedAdd(_x.AsSpan(start * _d, rows * _d), _w, z, rows, _d, _k);
            return;
        }
        // Chunk c of C takes rows [c·K/C, (c+1)·K/C) of ∂J/∂W, moved down to multiples of 4 so that Gemm runs them in its
        // 4-row tiles (each row of ∂J/∂W is summed over the whole batch within one chunk, in the same order in any tile:
        // the same bits), and rows [c·N/C, (c+1)·N/C) of ∂J/∂x.
        (int k0, int k1) = (FourRows(chunk * _k / Chunks), FourRows((chunk + 1) * _k / Chunks));
        if (k1 > k0) // δᵀ read in place: row stride 1, column stride K
            Gemm.MultiplyAdd(_delta.AsSpan(k0), 1, _k, _x, _dW.AsSpan(k0 * _d, (k1 - k0) * _d), k1 - k0, _n, _d);
        (int s0, int s1) = (chunk * _n / Chunks, (chunk + 1) * _n / Chunks);
        if (_dx is not null && s1 > s0)
        {
            Span<float> dx = _dx.AsSpan(s0 * _d, (s1 - s0) * _d);
            dx.Clear();
            Gemm.MultiplyAdd(_delta.AsSpan(s0 * _k), _k, 1, _w, dx, s1 - s0, _k, _d);
        }
    }
}
