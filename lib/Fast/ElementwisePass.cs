using System.Runtime.CompilerServices;

namespace CnnFromScratch.Fast;

/// <summary>
/// ReLU's forward and backward passes over whole arrays, split across cores when the arrays are long: on LeNet-5 at batch
/// 256 the first ReLU sweeps 1.2 million floats each way, a memory-bound pass that otherwise runs on one core while the other waits.
/// </summary>
internal sealed class ElementwisePass : ChunkedPass
{
    // Below this many elements a pass runs on the caller: waking another core costs about a microsecond.
    private const int ParallelLength = 1 << 16;
    private const int Block = 1 << 12; // the items the chunks split: blocks of 4,096 floats (whole vectors)

    [ThreadStatic] private static ElementwisePass? t_pass;

    private bool _backward;
    private float[] _a = [], _g = [], _out = [];

    /// <summary>y = max(x, 0) element-wise (<see cref="Simd.Relu(ReadOnlySpan{float}, Span{float})"/>).</summary>
    public static void Relu(float[] x, float[] y)
    {
        if (x.Length < ParallelLength) Simd.Relu(x, y.AsSpan());
        else (t_pass ??= new ElementwisePass()).Start(false, x, [], y);
    }

    /// <summary>d = g where a &gt; 0, else 0 (<see cref="Simd.ReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>).</summary>
    public static void ReluBackward(float[] a, float[] g, float[] d)
    {
        if (a.Length < ParallelLength) Simd.ReluBackward(a, g.AsSpan(), d.AsSpan());
        else (t_pass ??= new ElementwisePass()).Start(true, a, g, d);
    }

    private void Start(bool backward, float[] a, float[] g, float[] output)
    {
        if (output.Length < a.Length || (backward && g.Length < a.Length))
            throw new ArgumentException($"The arrays must hold at least {a.Length} elements, as many as the input.");
        (_backward, _a, _g, _out) = (backward, a, g, output);
        try { Run((a.Length + Block - 1) / Block); }
        finally { (_a, _g, _out) = ([], [], []); }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(int chunk, int start, int end)
    {
        int from = start * Block, count = Math.Min(end * Block, _a.Length) - from;
        if (_backward) Simd.ReluBackward(_a.AsSpan(from, count), _g.AsSpan(from, count), _out.AsSpan(from, count));
        else Simd.Relu(_a.AsSpan(from, count), _out.AsSpan(from, count));
    }
}
