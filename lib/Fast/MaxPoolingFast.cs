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
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Forward2x2(in PoolGeometry g, int inBase, int outBase)
        {
            int w = g.Width, ow = g.OutWidth;
            ReadOnlySpan<float> x = _x.AsSpan(inBase, g.Height * w);
            Span<float> z = _z.AsSpan(outBase, g.OutHeight * ow);
            Span<int> argmax = _argmax.AsSpan(outBase, z.Length);
            int vectorOutputs = Vector256.IsHardwareAccelerated ? ow / 8 * 8 : 0;
            for (int i = 0; i < g.OutHeight; i++)
            {
                int top = 2 * i * w;
                ReadOnlySpan<float> row0 = x.Slice(top, w), row1 = x.Slice(top + w, w);
                Span<float> zRow = z.Slice(i * ow, ow);
                Span<int> argmaxRow = argmax.Slice(i * ow, ow);
                for (int j = 0; j < vectorOutputs; j += 8)
                {
                    // Eight windows: columns 2j … 2j+15 of both rows.
                    var (topMax, topColumn) = PairMax(Vector256.Create(row0.Slice(2 * j, 8)), Vector256.Create(row0.Slice(2 * j + 8, 8)));
                    var (bottomMax, bottomColumn) = PairMax(Vector256.Create(row1.Slice(2 * j, 8)), Vector256.Create(row1.Slice(2 * j + 8, 8)));
                    // NaN wins (x ≠ x only for NaN), as in the naive kernel and PyTorch.
                    Vector256<int> bottomWins = (Vector256.GreaterThan(bottomMax, topMax) | ~Vector256.Equals(bottomMax, bottomMax)).AsInt32();
                    Vector256.ConditionalSelect(bottomWins.AsSingle(), bottomMax, topMax).CopyTo(zRow.Slice(j, 8));
                    // Flat input index: plane start + row · W + column, the row being 2i or 2i+1.
                    Vector256<int> column = Vector256.ConditionalSelect(bottomWins, bottomColumn, topColumn);
                    Vector256<int> index = Vector256.Create(inBase + top + 2 * j) + column + (bottomWins & Vector256.Create(w));
                    index.CopyTo(argmaxRow.Slice(j, 8));
                }
                for (int j = vectorOutputs; j < ow; j++)
                {
                    int c = 2 * j;
                    float max = row0[c];
                    int best = top + c;
                    if (row0[c + 1] > max || float.IsNaN(row0[c + 1])) (max, best) = (row0[c + 1], top + c + 1);
                    if (row1[c] > max || float.IsNaN(row1[c])) (max, best) = (row1[c], top + w + c);
                    if (row1[c + 1] > max || float.IsNaN(row1[c + 1])) (max, best) = (row1[c + 1], top + w + c + 1);
                    zRow[j] = max;
                    argmaxRow[j] = inBase + best;
                }
            }
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
