using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

public static partial class MaxPooling
{
    [ThreadStatic] private static FastPass? t_pass;

    /// <summary>
    /// The same output as <see cref="ForwardNaive"/>, and in the same sweep the flat index into the input of every window's maximum,
    /// which is all <see cref="BackwardFast"/> needs. Parallel over the N×C planes. Buffers are filled when given, else allocated.
    /// </summary>
    public static (Tensor Output, int[] Argmax) ForwardFast(Tensor input, int window, int stride, Tensor? output = null, int[]? argmax = null)
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
    public static Tensor BackwardFast(Tensor dOutput, int[] argmax, int window, int stride, Tensor dInput)
    {
        ArgumentNullException.ThrowIfNull(dOutput);
        ArgumentNullException.ThrowIfNull(argmax);
        ArgumentNullException.ThrowIfNull(dInput);
        var g = PoolGeometry.Of(dInput.Shape, window, stride);
        g.RequireDOutput(dOutput);
        if (argmax.Length != dOutput.Length)
            throw new ArgumentException($"argmax has {argmax.Length} entries but dOutput has {dOutput.Length}; pass the argmax of the matching ForwardFast.", nameof(argmax));
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

        // The course network's 2×2 windows with stride 2, unrolled: the four candidates in row-major order, strict ">" so
        // ties keep the first, as in the naive kernel.
        private void Forward2x2(in PoolGeometry g, int inBase, int outBase)
        {
            int w = g.Width;
            ReadOnlySpan<float> x = _x.AsSpan(inBase, g.Height * w);
            Span<float> z = _z.AsSpan(outBase, g.OutHeight * g.OutWidth);
            Span<int> argmax = _argmax.AsSpan(outBase, z.Length);
            for (int i = 0; i < g.OutHeight; i++)
            {
                int top = 2 * i * w;
                ReadOnlySpan<float> row0 = x.Slice(top, w), row1 = x.Slice(top + w, w);
                for (int j = 0; j < g.OutWidth; j++)
                {
                    int c = 2 * j;
                    float max = row0[c];
                    int best = top + c;
                    if (row0[c + 1] > max) (max, best) = (row0[c + 1], top + c + 1);
                    if (row1[c] > max) (max, best) = (row1[c], top + w + c);
                    if (row1[c + 1] > max) (max, best) = (row1[c + 1], top + w + c + 1);
                    z[i * g.OutWidth + j] = max;
                    argmax[i * g.OutWidth + j] = inBase + best;
                }
            }
        }

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
                            if (x[row + v] > max) (max, best) = (x[row + v], row + v);
                    }
                    int o = outBase + i * g.OutWidth + j;
                    _z[o] = max;
                    _argmax[o] = inBase + best;
                }
        }
    }
}
