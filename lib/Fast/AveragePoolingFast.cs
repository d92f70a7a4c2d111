using System.Runtime.CompilerServices;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Fast;

/// <summary>The fast average-pooling kernels of <see cref="AvgPool2d"/>: flat loops, parallel over planes.</summary>
internal static class AveragePoolingFast
{
    [ThreadStatic] private static FastPass? t_pass;

    /// <summary>The same output as <see cref="AveragePooling.ForwardNaive"/>, on flat spans with window rows summed by SIMD, parallel over the N×C planes.</summary>
    public static Tensor Forward(Tensor input, int window, int stride, Tensor? output = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var g = PoolGeometry.Of(input.Shape, window, stride);
        Tensor z = g.Output(output);
        (t_pass ??= new FastPass()).Run(false, g, input.Data, z.Data);
        return z;
    }

    /// <summary>The same as <see cref="AveragePooling.BackwardNaive"/>: overwrites <paramref name="dInput"/> (whose shape is the input's) and returns it.</summary>
    public static Tensor Backward(Tensor dOutput, int window, int stride, Tensor dInput)
    {
        ArgumentNullException.ThrowIfNull(dOutput);
        ArgumentNullException.ThrowIfNull(dInput);
        var g = PoolGeometry.Of(dInput.Shape, window, stride);
        g.RequireDOutput(dOutput);
        (t_pass ??= new FastPass()).Run(true, g, dInput.Data, dOutput.Data);
        return dInput;
    }

    /// <summary>One fast call over the N×C planes; planes do not overlap, so chunks never write to the same element.</summary>
    private sealed class FastPass : ChunkedPass
    {
        private bool _backward;
        private PoolGeometry _g;
        private float[] _x = [], _z = [];  // forward: input, output; backward: dInput, dOutput

        public void Run(bool backward, in PoolGeometry g, float[] x, float[] z)
        {
            (_backward, _g, _x, _z) = (backward, g, x, z);
            try { Run(g.Planes); }
            finally { (_x, _z) = ([], []); }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected override void Process(int chunk, int start, int end)
        {
            PoolGeometry g = _g;
            int inPlane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth, k = g.Window;
            float scale = 1f / (k * k);
            for (int plane = start; plane < end; plane++)
            {
                Span<float> x = _x.AsSpan(plane * inPlane, inPlane);
                Span<float> z = _z.AsSpan(plane * outPlane, outPlane);
                if (_backward) x.Clear();
                for (int i = 0; i < g.OutHeight; i++)
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        int corner = i * g.Stride * g.Width + j * g.Stride;
                        if (_backward)
                        {
                            float share = z[i * g.OutWidth + j] * scale;
                            for (int u = 0; u < k; u++)
                            {
                                Span<float> row = x.Slice(corner + u * g.Width, k);
                                for (int v = 0; v < k; v++) row[v] += share; // += because windows may overlap (stride < window)
                            }
                            continue;
                        }
                        float sum = 0;
                        for (int u = 0; u < k; u++) sum += Simd.Sum(x.Slice(corner + u * g.Width, k));
                        z[i * g.OutWidth + j] = sum * scale;
                    }
            }
        }
    }
}
