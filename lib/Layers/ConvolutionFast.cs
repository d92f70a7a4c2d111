using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

public static partial class Convolution
{
    // Per-thread scratch, sized once and reused by every call on that thread (thread-pool threads persist).
    [ThreadStatic] private static float[]? t_columns;
    [ThreadStatic] private static float[]? t_dColumns;
    [ThreadStatic] private static float[]? t_dWeights;
    [ThreadStatic] private static float[]? t_dBias;
    [ThreadStatic] private static FastPass? t_pass;
    private static readonly object s_gradientLock = new();

    /// <summary>
    /// The same function as <see cref="ForwardNaive"/>, computed per sample as one matrix product:
    /// z_n (O×OH·OW) = W (O×C·k·k) · im2col(x_n) (C·k·k×OH·OW) + b, with SIMD and the batch split across cores.
    /// </summary>
    public static Tensor ForwardFast(Tensor input, Tensor weights, Tensor bias, int stride = 1, int padding = 0, Tensor? output = null)
    {
        var g = ConvGeometry.Of(input, weights, stride, padding);
        g.RequireBias(bias, nameof(bias));
        Tensor z = g.Output(output);
        (t_pass ??= new FastPass()).Forward(g, input, weights, bias, z);
        return z;
    }

    /// <summary>The gradients of <see cref="ForwardFast"/> as new tensors; the same values as <see cref="BackwardNaive(Tensor, Tensor, Tensor, int, int)"/>.</summary>
    public static (Tensor DInput, Tensor DWeights, Tensor DBias) BackwardFast(
        Tensor input, Tensor weights, Tensor dOutput, int stride = 1, int padding = 0)
    {
        var g = ConvGeometry.Of(input, weights, stride, padding);
        (Tensor dInput, Tensor dWeights, Tensor dBias) = (g.DInput(null), g.DWeights(null), g.DBias(null));
        BackwardFast(input, weights, dOutput, stride, padding, dInput, dWeights, dBias);
        return (dInput, dWeights, dBias);
    }

    /// <summary>
    /// The same as the accumulating <see cref="BackwardNaive(Tensor, Tensor, Tensor, int, int, Tensor, Tensor, Tensor)"/>, per sample as matrix products
    /// on the im2col matrix X_n: ∂J/∂W += δ_n · X_nᵀ, ∂J/∂b += row sums of δ_n, and ∂J/∂x_n = col2im(Wᵀ · δ_n)
    /// (col2im adds each column back onto the pixels it was copied from, which is the full convolution with rot180(W)).
    /// </summary>
    public static void BackwardFast(
        Tensor input, Tensor weights, Tensor dOutput, int stride, int padding, Tensor dInput, Tensor dWeights, Tensor dBias)
    {
        ArgumentNullException.ThrowIfNull(dInput);
        ArgumentNullException.ThrowIfNull(dWeights);
        ArgumentNullException.ThrowIfNull(dBias);
        var g = ConvGeometry.Of(input, weights, stride, padding);
        g.RequireDOutput(dOutput);
        g.DInput(dInput);
        g.DWeights(dWeights);
        g.DBias(dBias);
        (t_pass ??= new FastPass()).Backward(g, input, weights, dOutput, dInput, dWeights, dBias);
    }

    /// <summary>Copies every k×k patch of sample x (C×H×W) into a column: columns[(c·k+u)·k+v, i·OW+j] = x̃[c, i·s+u, j·s+v].</summary>
    private static void Im2Col(ReadOnlySpan<float> x, in ConvGeometry g, Span<float> columns)
    {
        int k = g.Kernel, s = g.Stride, ow = g.OutWidth, row = 0;
        for (int c = 0; c < g.InChannels; c++)
            for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++, row++)
                {
                    int shift = v - g.Padding; // column j reads input column j·s + shift
                    (int jStart, int jEnd) = InsideRange(shift, s, g.Width, ow);
                    for (int i = 0; i < g.OutHeight; i++)
                    {
                        Span<float> dst = columns.Slice(row * g.OutPixels + i * ow, ow);
                        int y = i * s + u - g.Padding;
                        if ((uint)y >= (uint)g.Height) { dst.Clear(); continue; }
                        ReadOnlySpan<float> src = x.Slice((c * g.Height + y) * g.Width, g.Width);
                        dst[..jStart].Clear();
                        dst[jEnd..].Clear();
                        if (s == 1) src.Slice(jStart + shift, jEnd - jStart).CopyTo(dst[jStart..jEnd]);
                        else for (int j = jStart; j < jEnd; j++) dst[j] = src[j * s + shift];
                    }
                }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds each column entry back onto the input pixel it came from (dx must start at zero).</summary>
    private static void Col2Im(ReadOnlySpan<float> dColumns, in ConvGeometry g, Span<float> dx)
    {
        int k = g.Kernel, s = g.Stride, ow = g.OutWidth, row = 0;
        for (int c = 0; c < g.InChannels; c++)
            for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++, row++)
                {
                    int shift = v - g.Padding;
                    (int jStart, int jEnd) = InsideRange(shift, s, g.Width, ow);
                    for (int i = 0; i < g.OutHeight; i++)
                    {
                        int y = i * s + u - g.Padding;
                        if ((uint)y >= (uint)g.Height) continue;
                        ReadOnlySpan<float> src = dColumns.Slice(row * g.OutPixels + i * ow, ow);
                        Span<float> dst = dx.Slice((c * g.Height + y) * g.Width, g.Width);
                        if (s == 1) Simd.MultiplyAdd(1f, src[jStart..jEnd], dst.Slice(jStart + shift, jEnd - jStart));
                        else for (int j = jStart; j < jEnd; j++) dst[j * s + shift] += src[j];
                    }
                }
    }

    /// <summary>The output columns j in [start, end) whose input column j·s + shift lies inside 0..width−1 (the rest read padding).</summary>
    private static (int Start, int End) InsideRange(int shift, int stride, int width, int outWidth)
    {
        int start = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        int end = width - shift <= 0 ? 0 : (width - shift + stride - 1) / stride;
        start = Math.Min(start, outWidth);
        return (start, Math.Clamp(end, start, outWidth));
    }

    /// <summary>One fast forward or backward call, over the samples of the batch.</summary>
    private sealed class FastPass : ChunkedPass
    {
        private bool _backward;
        private ConvGeometry _g;
        private float[] _input = [], _weights = [], _bias = [], _output = [], _dOutput = [], _dInput = [], _dWeights = [], _dBias = [];

        public void Forward(in ConvGeometry g, Tensor input, Tensor weights, Tensor bias, Tensor output)
        {
            (_backward, _g, _input, _weights, _bias, _output) = (false, g, input.Data, weights.Data, bias.Data, output.Data);
            RunAndForget();
        }

        public void Backward(in ConvGeometry g, Tensor input, Tensor weights, Tensor dOutput, Tensor dInput, Tensor dWeights, Tensor dBias)
        {
            (_backward, _g, _input, _weights, _dOutput, _dInput, _dWeights, _dBias) =
                (true, g, input.Data, weights.Data, dOutput.Data, dInput.Data, dWeights.Data, dBias.Data);
            RunAndForget();
        }

        protected override void Process(int chunk, int start, int end)
        {
            if (_backward) BackwardSamples(start, end);
            else ForwardSamples(start, end);
        }

        private void RunAndForget()
        {
            try { Run(_g.Batch); }
            finally
            {
                // Drop the references so this thread's pass does not keep the caller's tensors alive.
                _input = _weights = _bias = _output = _dOutput = _dInput = _dWeights = _dBias = [];
            }
        }

        private void ForwardSamples(int start, int end)
        {
            ConvGeometry g = _g;
            int inSize = g.InChannels * g.Height * g.Width, outSize = g.OutChannels * g.OutPixels;
            Span<float> columns = Buffers.Scratch(ref t_columns, g.PatchSize * g.OutPixels);
            for (int n = start; n < end; n++)
            {
                Im2Col(_input.AsSpan(n * inSize, inSize), g, columns);
                Span<float> z = _output.AsSpan(n * outSize, outSize);
                for (int o = 0; o < g.OutChannels; o++) z.Slice(o * g.OutPixels, g.OutPixels).Fill(_bias[o]);
                // z_n += W · X_n
                Gemm.MultiplyAdd(_weights, g.PatchSize, 1, columns, z, g.OutChannels, g.PatchSize, g.OutPixels);
            }
        }

        private void BackwardSamples(int start, int end)
        {
            ConvGeometry g = _g;
            int inSize = g.InChannels * g.Height * g.Width, outSize = g.OutChannels * g.OutPixels;
            Span<float> columns = Buffers.Scratch(ref t_columns, g.PatchSize * g.OutPixels);
            Span<float> dColumns = Buffers.Scratch(ref t_dColumns, g.PatchSize * g.OutPixels);
            Span<float> dW = Buffers.Scratch(ref t_dWeights, g.OutChannels * g.PatchSize);
            Span<float> db = Buffers.Scratch(ref t_dBias, g.OutChannels);
            dW.Clear();
            db.Clear();
            for (int n = start; n < end; n++)
            {
                ReadOnlySpan<float> delta = _dOutput.AsSpan(n * outSize, outSize);
                for (int o = 0; o < g.OutChannels; o++) db[o] += Simd.Sum(delta.Slice(o * g.OutPixels, g.OutPixels));
                // ∂J/∂W += δ_n · X_nᵀ
                Im2Col(_input.AsSpan(n * inSize, inSize), g, columns);
                Gemm.MultiplyTransposedAdd(delta, columns, dW, g.OutChannels, g.OutPixels, g.PatchSize);
                // ∂J/∂X_n = Wᵀ · δ_n (Wᵀ read in place: row stride 1, column stride C·k·k), then back onto the pixels.
                dColumns.Clear();
                Gemm.MultiplyAdd(_weights, 1, g.PatchSize, delta, dColumns, g.PatchSize, g.OutChannels, g.OutPixels);
                Span<float> dx = _dInput.AsSpan(n * inSize, inSize);
                dx.Clear();
                Col2Im(dColumns, g, dx);
            }
            // Each chunk summed its own samples; adding the partial sums is the only shared write.
            lock (s_gradientLock)
            {
                Simd.MultiplyAdd(1f, dW, _dWeights);
                Simd.MultiplyAdd(1f, db, _dBias);
            }
        }
    }
}
