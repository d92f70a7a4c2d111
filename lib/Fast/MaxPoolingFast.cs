using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Fast;

/// <summary>The fast max-pooling kernels of <see cref="MaxPool2d"/>: the argmax recorded in the forward pass, parallel over planes.</summary>
internal static class MaxPoolingFast
{
    [ThreadStatic] private static FastPass? t_pass;

    /// <summary>
    /// The same output as <see cref="MaxPooling.ForwardNaive"/>, and in the same sweep the flat index into the input of every window's maximum,
    /// which is all <see cref="Backward"/> needs. Parallel over the N×C planes. Buffers are filled when given, else allocated.
    /// </summary>
    public static (Tensor Output, int[] Argmax) Forward(Tensor input, int window, int stride, Tensor? output = null, int[]? argmax = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var g = PoolGeometry.Of(input.Shape, window, stride);
        Tensor z = g.Output(output);
        argmax ??= new int[z.Length];
        if (argmax.Length != z.Length)
            throw new ArgumentException($"argmax must hold one index per output element ({z.Length}); it has {argmax.Length}.", nameof(argmax));
        (t_pass ??= new FastPass()).Forward(g, input.Data, z.Data, argmax);
        return (z, argmax);
    }

    /// <summary>∂J/∂x: scatters δ onto the recorded maxima; overwrites <paramref name="dInput"/> (whose shape is the input's) and returns it.</summary>
    public static Tensor Backward(Tensor dOutput, int[] argmax, int window, int stride, Tensor dInput)
    {
        ArgumentNullException.ThrowIfNull(dOutput);
        ArgumentNullException.ThrowIfNull(argmax);
        ArgumentNullException.ThrowIfNull(dInput);
        var g = PoolGeometry.Of(dInput.Shape, window, stride);
        g.RequireDOutput(dOutput);
        if (argmax.Length != dOutput.Length)
            throw new ArgumentException($"argmax has {argmax.Length} entries but dOutput has {dOutput.Length}; pass the argmax of the matching Forward.", nameof(argmax));
        (t_pass ??= new FastPass()).Backward(g, dOutput.Data, argmax, dInput.Data);
        return dInput;
    }

    /// <summary>One fast call over the N×C planes; planes do not overlap, so chunks never write to the same element.</summary>
    private sealed class FastPass : ChunkedPass
    {
        private bool _backward;
        private PoolGeometry _g;
        private float[] _x = [], _z = [];  // forward: input, output; backward: dInput, dOutput
        private int[] _argmax = [];

        public void Forward(in PoolGeometry g, float[] input, float[] output, int[] argmax)
        {
            (_backward, _g, _x, _z, _argmax) = (false, g, input, output, argmax);
            RunAndForget();
        }

        public void Backward(in PoolGeometry g, float[] dOutput, int[] argmax, float[] dInput)
        {
            (_backward, _g, _x, _z, _argmax) = (true, g, dInput, dOutput, argmax);
            RunAndForget();
        }

        private void RunAndForget()
        {
            try { Run(_g.Planes); }
            finally { (_x, _z, _argmax) = ([], [], []); }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected override void Process(int chunk, int start, int end)
        {
            PoolGeometry g = _g;
            int inPlane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth;
            if (_backward)
            {
                if (g.Window == 2 && g.Stride == 2 && g.Height % 2 == 0 && g.Width % 2 == 0 && g.OutWidth >= 8 && Vector256.IsHardwareAccelerated)
                {
                    for (int plane = start; plane < end; plane++) Backward2x2(g, plane * inPlane, plane * outPlane);
                    return;
                }
                // ∂J/∂x: zero, then each δ goes to the input position its window's maximum came from.
                _x.AsSpan(start * inPlane, (end - start) * inPlane).Clear();
                for (int o = start * outPlane; o < end * outPlane; o++) _x[_argmax[o]] += _z[o];
                return;
            }
            for (int plane = start; plane < end; plane++)
            {
                if (g.Window == 2 && g.Stride == 2) Forward2x2(g, plane * inPlane, plane * outPlane);
                else ForwardAnyWindow(g, plane * inPlane, plane * outPlane);
            }
        }

        // The course network's 2×2 windows with stride 2. The four candidates are compared in row-major order with a strict ">",
        // so ties keep the first, as in the naive kernel: each row's pair first (the right one wins only if larger), then the
        // bottom pair's winner against the top pair's. Without branches: on real images which candidate wins is
        // unpredictable, and mispredicted branches made a branchy version four times slower than on repeated test data.
        // Eight windows at a time; a row's last windows slide left to end at the row's end (rewriting equal values), and a
        // row narrower than eight windows (LeNet-5's 10×10 → 5×5) computes eight reading into the next row, keeping the first OW.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Forward2x2(in PoolGeometry g, int inBase, int outBase)
        {
            int w = g.Width, ow = g.OutWidth;
            bool vectors = Vector256.IsHardwareAccelerated;
            Span<float> zTail = stackalloc float[8];
            Span<int> argmaxTail = stackalloc int[8];
            for (int i = 0; i < g.OutHeight; i++)
            {
                int top = inBase + 2 * i * w, o = outBase + i * ow;
                if (vectors && ow >= 8)
                {
                    for (int j = 0; j < ow; j += 8)
                    {
                        int jj = Math.Min(j, ow - 8);
                        Eight(top, w, jj, _z.AsSpan(o + jj, 8), _argmax.AsSpan(o + jj, 8));
                    }
                }
                else if (vectors && top + w + 16 <= _x.Length)
                {
                    Eight(top, w, 0, zTail, argmaxTail);
                    zTail[..ow].CopyTo(_z.AsSpan(o, ow));
                    argmaxTail[..ow].CopyTo(_argmax.AsSpan(o, ow));
                }
                else
                    for (int j = 0; j < ow; j++) One(top, w, j, o + j);
            }
        }

        // ∂J/∂x of 2×2 windows with stride 2 that tile the plane, in rows of 8 windows or more: every input belongs to
        // exactly one window, so each is written once, 0 + δ at its window's maximum and 0 elsewhere: the bits of zeroing
        // the plane and adding each δ at its argmax (0 + δ, not δ: −0 becomes +0), in one sweep instead of two. Eight
        // windows at a time, without branches (which input was the maximum is unpredictable); a row's last eight slide
        // left, rewriting equal values. On one core, 28×28 planes took 131–136 µs instead of 180–198 (LeNet-5's first
        // pooling at batch 64); rows of fewer windows (10×10 → 5×5) were faster zeroed and scattered, so they still are.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Backward2x2(in PoolGeometry g, int inBase, int outBase)
        {
            int w = g.Width, ow = g.OutWidth;
            Vector256<int> pairs = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3), upperPairs = Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7);
            Vector256<int> columns = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), below = Vector256.Create(w);
            for (int i = 0; i < g.OutHeight; i++)
            {
                int top = inBase + 2 * i * w, o = outBase + i * ow;
                for (int j = 0; j < ow; j += 8)
                {
                    int jj = Math.Min(j, ow - 8), c = top + 2 * jj;
                    Vector256<float> delta = Vector256<float>.Zero + Vector256.Create(_z.AsSpan(o + jj, 8));
                    Vector256<int> argmax = Vector256.Create(_argmax.AsSpan(o + jj, 8));
                    Vector256<int> column = Vector256.Create(c) + columns;
                    Store(Vector256.Shuffle(delta, pairs), Vector256.Shuffle(argmax, pairs), column, below, c, w);
                    Store(Vector256.Shuffle(delta, upperPairs), Vector256.Shuffle(argmax, upperPairs), column + Vector256.Create(8), below, c + 8, w);
                }
            }
        }

        // Eight inputs of the top row from column c and the eight below them: δ where the argmax points at them, else 0.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(Vector256<float> delta, Vector256<int> argmax, Vector256<int> column, Vector256<int> below, int c, int w)
        {
            (delta & Vector256.Equals(argmax, column).AsSingle()).CopyTo(_x.AsSpan(c, 8));
            (delta & Vector256.Equals(argmax, column + below).AsSingle()).CopyTo(_x.AsSpan(c + w, 8));
        }

        // Windows j … j+7 of the row pair starting at flat index top: columns 2j … 2j+15 of both rows.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Eight(int top, int w, int j, Span<float> z, Span<int> argmax)
        {
            ReadOnlySpan<float> row0 = _x.AsSpan(top + 2 * j, 16), row1 = _x.AsSpan(top + w + 2 * j, 16);
            var (topMax, topColumn) = PairMax(Vector256.Create(row0[..8]), Vector256.Create(row0[8..]));
            var (bottomMax, bottomColumn) = PairMax(Vector256.Create(row1[..8]), Vector256.Create(row1[8..]));
            // NaN wins (x ≠ x only for NaN), as in the naive kernel and PyTorch.
            Vector256<int> bottomWins = (Vector256.GreaterThan(bottomMax, topMax) | ~Vector256.Equals(bottomMax, bottomMax)).AsInt32();
            Vector256.ConditionalSelect(bottomWins.AsSingle(), bottomMax, topMax).CopyTo(z);
            // Flat input index: the row pair's start + column, plus W when the bottom row wins.
            Vector256<int> column = Vector256.ConditionalSelect(bottomWins, bottomColumn, topColumn);
            (Vector256.Create(top + 2 * j) + column + (bottomWins & Vector256.Create(w))).CopyTo(argmax);
        }

        // One window, for the last rows of the array where eight windows would read past its end.
        private void One(int top, int w, int j, int o)
        {
            int c = top + 2 * j;
            float max = _x[c];
            int best = c;
            if (_x[c + 1] > max || float.IsNaN(_x[c + 1])) (max, best) = (_x[c + 1], c + 1);
            if (_x[c + w] > max || float.IsNaN(_x[c + w])) (max, best) = (_x[c + w], c + w);
            if (_x[c + w + 1] > max || float.IsNaN(_x[c + w + 1])) (max, best) = (_x[c + w + 1], c + w + 1);
            _z[o] = max;
            _argmax[o] = best;
        }

        // For 16 consecutive values of one row (two vectors), the larger of each pair (2t, 2t+1), the left one on ties,
        // and its column 2t or 2t+1 relative to the first value.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<float> Max, Vector256<int> Column) PairMax(Vector256<float> first, Vector256<float> second)
        {
            // Gather the left (even) and the right (odd) members of the eight pairs into two vectors.
            Vector256<int> evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6), odds = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
            Vector256<float> left = Vector256.Create(Vector256.Shuffle(first, evens).GetLower(), Vector256.Shuffle(second, evens).GetLower());
            Vector256<float> right = Vector256.Create(Vector256.Shuffle(first, odds).GetLower(), Vector256.Shuffle(second, odds).GetLower());
            Vector256<float> rightWins = Vector256.GreaterThan(right, left) | ~Vector256.Equals(right, right);
            Vector256<int> column = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14) - rightWins.AsInt32(); // true is −1: one column right
            return (Vector256.ConditionalSelect(rightWins, right, left), column);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ForwardAnyWindow(in PoolGeometry g, int inBase, int outBase)
        {
            ReadOnlySpan<float> x = _x.AsSpan(inBase, g.Height * g.Width);
            for (int i = 0; i < g.OutHeight; i++)
                for (int j = 0; j < g.OutWidth; j++)
                {
                    int best = i * g.Stride * g.Width + j * g.Stride;
                    float max = x[best];
                    for (int u = 0; u < g.Window; u++)
                    {
                        int row = (i * g.Stride + u) * g.Width + j * g.Stride;
                        for (int v = 0; v < g.Window; v++)
                            if (x[row + v] > max || float.IsNaN(x[row + v])) (max, best) = (x[row + v], row + v);
                    }
                    int o = outBase + i * g.OutWidth + j;
                    _z[o] = max;
                    _argmax[o] = inBase + best;
                }
        }
    }
}
