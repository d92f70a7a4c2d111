using System.Runtime.CompilerServices;

namespace CnnFromScratch.Fast;

/// <summary>
/// ReLU's forward and backward passes, the SGD and momentum steps, zeroing a gradient and the finite-data check over whole arrays, split across
/// cores when the arrays are long: on LeNet-5 at batch 256 the first ReLU sweeps 1.2 million floats each way, the
/// momentum step reads and writes five arrays of the 48,120 weights of Dense(400→120) after every batch, and training
/// checks its 60,000 images (188 MB; one core took 30 ms, a tenth of an epoch of the course network) once before it
/// starts; memory-bound passes that otherwise run on one core while the other waits. Each element is computed as on
/// one core: the same bits.
/// </summary>
internal sealed class ElementwisePass : ChunkedPass
{
    // Below this many elements a pass runs on the caller: waking another core costs about a microsecond, while one core
    // sweeps 16,384 floats in 3–4 µs. The course network's first ReLU (36,864 floats at batch 32) took 7 µs on one core,
    // 13 µs when half its input was still in the other core's cache after the convolution.
    private const int ParallelLength = 1 << 14;
    private const int Block = 1 << 10; // the items the chunks split: blocks of 1,024 floats (whole vectors)

    [ThreadStatic] private static ElementwisePass? t_pass;

    private enum Kind { Relu, ReluBackward, Momentum, Sgd, Zero, Finite }

    private Kind _kind;
    private float[] _a = [], _g = [], _out = [];
    private float _beta, _lambda, _eta;
    private readonly bool[] _finite = new bool[MaxChunks]; // per chunk, for the finite-data check

    /// <summary>y = max(x, 0) element-wise (<see cref="Simd.Relu(ReadOnlySpan{float}, Span{float})"/>).</summary>
    public static void Relu(float[] x, float[] y)
    {
        if (x.Length < ParallelLength) Simd.Relu(x, y.AsSpan());
        else (t_pass ??= new ElementwisePass()).Start(Kind.Relu, x, [], y);
    }

    /// <summary>d = g where a &gt; 0, else 0 (<see cref="Simd.ReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>).</summary>
    public static void ReluBackward(float[] a, float[] g, float[] d)
    {
        if (a.Length < ParallelLength) Simd.ReluBackward(a, g.AsSpan(), d.AsSpan());
        else (t_pass ??= new ElementwisePass()).Start(Kind.ReluBackward, a, g, d);
    }

    /// <summary>v ← βv + g + λθ, then θ ← θ − ηv (<see cref="Simd.MomentumStep"/>).</summary>
    public static void MomentumStep(float[] theta, float[] v, float[] g, float beta, float lambda, float eta)
    {
        if (theta.Length < ParallelLength) Simd.MomentumStep(theta, v, g, beta, lambda, eta);
        else
        {
            var pass = t_pass ??= new ElementwisePass();
            (pass._beta, pass._lambda, pass._eta) = (beta, lambda, eta);
            pass.Start(Kind.Momentum, theta, g, v);
        }
    }

    /// <summary>θ ← θ − η(g + λθ) (<see cref="Simd.SgdStep"/>).</summary>
    public static void SgdStep(float[] theta, float[] g, float eta, float lambda)
    {
        if (theta.Length < ParallelLength) Simd.SgdStep(theta, g, eta, lambda);
        else
        {
            var pass = t_pass ??= new ElementwisePass();
            (pass._lambda, pass._eta) = (lambda, eta);
            pass.Start(Kind.Sgd, theta, g, theta);
        }
    }

    /// <summary>x ← 0 (a gradient before a batch).</summary>
    public static void Zero(float[] x)
    {
        if (x.Length < ParallelLength) x.AsSpan().Clear();
        else (t_pass ??= new ElementwisePass()).Start(Kind.Zero, x, x, x);
    }

    /// <summary>True when every value of <paramref name="data"/> is finite (<see cref="Simd.AllFinite"/>).</summary>
    public static bool AllFinite(float[] data)
    {
        if (data.Length < ParallelLength) return Simd.AllFinite(data);
        var pass = t_pass ??= new ElementwisePass();
        pass.Start(Kind.Finite, data, data, data); // reads only: g and the output are never touched
        for (int c = 0; c < pass.Chunks; c++)
            if (!pass._finite[c]) return false;
        return true;
    }

    private void Start(Kind kind, float[] a, float[] g, float[] output)
    {
        if (output.Length < a.Length || (kind != Kind.Relu && g.Length < a.Length))
            throw new ArgumentException($"The arrays must hold at least {a.Length} elements, as many as the input.");
        (_kind, _a, _g, _out) = (kind, a, g, output);
        try { Run((a.Length + Block - 1) / Block); }
        finally { (_a, _g, _out) = ([], [], []); }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(int chunk, int start, int end)
    {
        int from = start * Block, count = Math.Min(end * Block, _a.Length) - from;
        switch (_kind)
        {
            case Kind.Relu: Simd.Relu(_a.AsSpan(from, count), _out.AsSpan(from, count)); break;
            case Kind.ReluBackward: Simd.ReluBackward(_a.AsSpan(from, count), _g.AsSpan(from, count), _out.AsSpan(from, count)); break;
            case Kind.Momentum: Simd.MomentumStep(_a.AsSpan(from, count), _out.AsSpan(from, count), _g.AsSpan(from, count), _beta, _lambda, _eta); break;
            case Kind.Zero: _out.AsSpan(from, count).Clear(); break;
            case Kind.Sgd: Simd.SgdStep(_a.AsSpan(from, count), _g.AsSpan(from, count), _eta, _lambda); break;
            default: _finite[chunk] = Simd.AllFinite(_a.AsSpan(from, count)); break;
        }
    }
}
