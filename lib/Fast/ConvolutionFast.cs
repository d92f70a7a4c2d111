using System.Runtime.CompilerServices;
using CnnFromScratch.Layers;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Fast;

/// <summary>
/// The fast convolution kernels behind <see cref="Convolution.ForwardFast"/> and <see cref="Convolution.BackwardFast(Tensor, Tensor, Tensor, int, int)"/>:
/// SIMD, and the batch split across cores. Stride 1 convolves each sample directly (<see cref="DirectConvolution"/>: the
/// same matrix product as im2col, with the image's shifted views in place of the copied patches; few channels and small
/// kernels make the copy as costly as the arithmetic); other strides compute each sample as one matrix product
/// z_n (O×OH·OW) = W (O×C·k·k) · im2col(x_n) (C·k·k×OH·OW) + b on <see cref="Gemm"/>.
/// </summary>
internal static class ConvolutionFast
{
    [ThreadStatic] private static FastPass? t_pass;

    /// <summary>The same function as <see cref="Convolution.ForwardNaive"/>; fills <paramref name="output"/> when given.</summary>
    public static Tensor Forward(Tensor input, Tensor weights, Tensor bias, int stride = 1, int padding = 0, Tensor? output = null)
    {
        var g = ConvGeometry.Of(input, weights, stride, padding);
        g.RequireBias(bias, nameof(bias));
        Tensor z = g.Output(output);
        (t_pass ??= new FastPass()).Forward(g, input, weights, bias, z);
        return z;
    }

    /// <summary>
    /// The same as the accumulating naive backward pass, split across cores by sample; a null <paramref name="dInput"/> skips ∂J/∂x.
    /// Stride 1 works on the images directly: ∂J/∂W[o,c,u,v] += Σ δ[o,i,j]·x̃[c,i+u,j+v], and ∂J/∂x̃[c,i+u,j+v] += Σ_o W[o,c,u,v]·δ[o,i,j]
    /// (each δ sent back onto the pixels its window read, which is the full convolution of δ with rot180(W)), cropped by p.
    /// Other strides use the im2col matrix X_n: ∂J/∂W += δ_n · X_nᵀ and ∂J/∂x_n = col2im(Wᵀ · δ_n)
    /// (col2im adds each column back onto the pixels it was copied from). Per-chunk partial sums of ∂J/∂W and ∂J/∂b are
    /// added in chunk order, so the result does not depend on the number of cores or on timing.
    /// </summary>
    public static void Backward(
        Tensor input, Tensor weights, Tensor dOutput, int stride, int padding, Tensor? dInput, Tensor dWeights, Tensor dBias)
    {
        ArgumentNullException.ThrowIfNull(dWeights);
        ArgumentNullException.ThrowIfNull(dBias);
        var g = ConvGeometry.Of(input, weights, stride, padding);
        g.RequireDOutput(dOutput);
        if (dInput is not null) g.DInput(dInput);
        g.DWeights(dWeights);
        g.DBias(dBias);
        (t_pass ??= new FastPass()).Backward(g, input, weights, dOutput, dInput, dWeights, dBias);
    }

    /// <summary>Copies every k×k patch of sample x (C×H×W) into a column: columns[(c·k+u)·k+v, i·OW+j] = x̃[c, i·s+u, j·s+v].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>Copies sample x (C×H×W) into the middle of <paramref name="padded"/> (C×(H+2p)×(W+2p)), whose border stays zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PadInto(ReadOnlySpan<float> x, int channels, int height, int width, int padding, Span<float> padded)
    {
        int pw = width + 2 * padding, ph = height + 2 * padding;
        padded.Clear();
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
                x.Slice((c * height + y) * width, width).CopyTo(padded.Slice((c * ph + y + padding) * pw + padding, width));
    }

    /// <summary>One fast forward or backward call, over the samples of the batch.</summary>
    private sealed class FastPass : ChunkedPass
    {
        private bool _backward, _direct, _inputGradient, _filterLanes;
        private ConvGeometry _g;
        private float[] _input = [], _weights = [], _bias = [], _output = [], _dOutput = [], _dInput = [];
        private float[] _partials = [];  // per chunk: ∂J/∂W (or its transpose, with the filters in the lanes) then ∂J/∂b
        private float[] _transposed = []; // ∂J/∂W transposed, while the filter-lane partial sums are added
        private readonly Scratch[] _scratch = new Scratch[ChunkedPass.MaxChunks];

        // Each chunk's working memory, grown on the calling thread before the pass starts, so a helper thread never
        // allocates (a helper's first chunk of a kernel would otherwise count against the zero-allocation rule).
        private sealed class Scratch
        {
            public float[] Padded = [], Wide = [], WideDelta = [], DeltaT = [], DPadded = [], RowTiles = [], Columns = [], DColumns = [];
            public int[] Offsets = [];

            public void Fit(in ConvGeometry g, bool backward)
            {
                int ph = g.Height + 2 * g.Padding, pw = g.Width + 2 * g.Padding, slack = DirectConvolution.InputGradientSlack;
                if (g.Stride == 1)
                {
                    Grow(ref Padded, g.Padding > 0 ? g.InChannels * ph * pw : 0);
                    Grow(ref Offsets, g.PatchSize);
                    if (!backward) Grow(ref Wide, g.OutChannels * g.OutHeight * pw);
                    else
                    {
                        // Only the scratch of the kernels this geometry runs (see BackwardDirect).
                        bool filterLanes = FilterLanes(g), rowTiles = RowTiles(g);
                        Grow(ref WideDelta, Math.Max(rowTiles ? 0 : DirectConvolution.InputGradientScratch(g.OutChannels, g.OutHeight, pw),
                            filterLanes ? 0 : DirectConvolution.WeightGradientScratch(g.OutChannels, g.OutHeight, pw)));
                        if (rowTiles)
                            Grow(ref RowTiles, RowTilesInputGradient.ScratchLength(g.OutChannels, g.OutHeight, g.OutWidth, g.InChannels, ph, pw, g.Kernel));
                        else Grow(ref DPadded, g.InChannels * ph * pw + slack);
                        if (filterLanes) Grow(ref DeltaT, FilterLanesWeightGradient.TransposedDeltaLength(g.OutChannels, g.OutPixels));
                    }
                    return;
                }
                Grow(ref Columns, g.PatchSize * g.OutPixels);
                if (backward) Grow(ref DColumns, g.PatchSize * g.OutPixels);
            }

            // Pinned (on the pinned-object heap): the scratch lives as long as the thread, and the paired ∂J/∂W kernel
            // aligns its loads to the scratch's address.
            private static void Grow<T>(ref T[] array, int length)
            {
                if (array.Length < length) array = GC.AllocateArray<T>(length, pinned: true);
            }
        }

        public void Forward(in ConvGeometry g, Tensor input, Tensor weights, Tensor bias, Tensor output)
        {
            (_backward, _direct, _g, _input, _weights, _bias, _output) = (false, g.Stride == 1, g, input.Data, weights.Data, bias.Data, output.Data);
            RunAndForget();
        }

        public void Backward(in ConvGeometry g, Tensor input, Tensor weights, Tensor dOutput, Tensor? dInput, Tensor dWeights, Tensor dBias)
        {
            (_backward, _g, _input, _weights, _dOutput) = (true, g, input.Data, weights.Data, dOutput.Data);
            (_inputGradient, _dInput) = dInput is null ? (false, []) : (true, dInput.Data);
            _direct = g.Stride == 1;
            _filterLanes = FilterLanes(g);
            int wCount = WeightPartialLength(g), perChunk = wCount + g.OutChannels;
            if (_partials.Length < ChunkedPass.MaxChunks * perChunk) _partials = new float[ChunkedPass.MaxChunks * perChunk];
            RunAndForget();
            // Add the chunks' partial sums in chunk order: the same bits whichever thread ran which chunk.
            if (_filterLanes)
            {
                if (_transposed.Length < wCount) _transposed = new float[wCount];
                FilterLanesWeightGradient.AddTransposed(_partials, Chunks, perChunk, g.OutChannels, g.PatchSize, dWeights.Data, _transposed);
            }
            for (int chunk = 0; chunk < Chunks; chunk++)
            {
                if (!_filterLanes) Simd.MultiplyAdd(1f, _partials.AsSpan(chunk * perChunk, wCount), dWeights.Data);
                Simd.MultiplyAdd(1f, _partials.AsSpan(chunk * perChunk + wCount, g.OutChannels), dBias.Data);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected override void Process(int chunk, int start, int end)
        {
            if (!_backward) ForwardSamples(start, end, _scratch[chunk]);
            else
            {
                int wCount = WeightPartialLength(_g);
                Span<float> partial = _partials.AsSpan(chunk * (wCount + _g.OutChannels), wCount + _g.OutChannels);
                partial.Clear();
                BackwardSamples(start, end, partial[..wCount], partial[wCount..], _scratch[chunk]);
            }
        }

        // Stride 1 with at least 16 filters and 16 rows of the shifted im2col matrix: ∂J/∂W with the filters in the vector
        // lanes (with fewer rows, transposing δ costs more than the products save: 1→32 filters 3×3 took 24 µs a sample
        // against 14). The choice depends only on the geometry, never on the CPU, so every machine computes the same bits.
        private static bool FilterLanes(in ConvGeometry g) =>
            g.Stride == 1 && g.OutChannels >= FilterLanesWeightGradient.MinFilters && g.PatchSize >= 16;

        // Stride 1, at least 16 filters of 5×5 or more on 4 or more channels: ∂J/∂x by rows of output, the channels in
        // registers (by the geometry only, too). Where it measured faster, per sample: LeNet-5's second layer 7.3 µs against
        // 11.1, chapter 7's 8→16 about even; with 3×3 kernels or few channels its short loops and half-empty tiles lose
        // (32→64 filters 3×3: 330 against 278 µs; 1 channel: 36 against 15).
        private static bool RowTiles(in ConvGeometry g) =>
            g.Stride == 1 && g.OutChannels >= RowTilesInputGradient.MinFilters && g.Kernel >= 5 && g.InChannels >= 4;

        private static int WeightPartialLength(in ConvGeometry g) =>
            FilterLanes(g) ? g.PatchSize * FilterLanesWeightGradient.PaddedFilters(g.OutChannels) : g.OutChannels * g.PatchSize;

        private void RunAndForget()
        {
            for (int c = 0; c < Math.Min(_g.Batch, ChunkedPass.MaxChunks); c++) (_scratch[c] ??= new Scratch()).Fit(_g, _backward);
            try { Run(_g.Batch); }
            finally
            {
                // Drop the references so this thread's pass does not keep the caller's tensors alive.
                _input = _weights = _bias = _output = _dOutput = _dInput = [];
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ForwardSamples(int start, int end, Scratch scratch)
        {
            ConvGeometry g = _g;
            int inSize = g.InChannels * g.Height * g.Width, outSize = g.OutChannels * g.OutPixels;
            int ph = g.Height + 2 * g.Padding, pw = g.Width + 2 * g.Padding;
            for (int n = start; n < end; n++)
            {
                ReadOnlySpan<float> x = _input.AsSpan(n * inSize, inSize);
                Span<float> z = _output.AsSpan(n * outSize, outSize);
                if (_direct)
                {
                    if (g.Padding > 0)
                    {
                        Span<float> padded = scratch.Padded.AsSpan(0, g.InChannels * ph * pw);
                        PadInto(x, g.InChannels, g.Height, g.Width, g.Padding, padded);
                        x = padded;
                    }
                    DirectConvolution.Correlate(x, g.InChannels, ph, pw, _weights, _bias, g.OutChannels, g.Kernel, z, scratch.Wide, scratch.Offsets);
                    continue;
                }
                Span<float> columns = scratch.Columns.AsSpan(0, g.PatchSize * g.OutPixels);
                Im2Col(x, g, columns);
                for (int o = 0; o < g.OutChannels; o++) z.Slice(o * g.OutPixels, g.OutPixels).Fill(_bias[o]);
                // z_n += W · X_n
                Gemm.MultiplyAdd(_weights, g.PatchSize, 1, columns, z, g.OutChannels, g.PatchSize, g.OutPixels);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void BackwardSamples(int start, int end, Span<float> dW, Span<float> db, Scratch scratch)
        {
            ConvGeometry g = _g;
            int inSize = g.InChannels * g.Height * g.Width, outSize = g.OutChannels * g.OutPixels;
            for (int n = start; n < end; n++)
            {
                ReadOnlySpan<float> delta = _dOutput.AsSpan(n * outSize, outSize);
                ReadOnlySpan<float> x = _input.AsSpan(n * inSize, inSize);
                Span<float> dx = _inputGradient ? _dInput.AsSpan(n * inSize, inSize) : [];
                // ∂J/∂b += Σ δ
                for (int o = 0; o < g.OutChannels; o++) db[o] += Simd.Sum(delta.Slice(o * g.OutPixels, g.OutPixels));
                if (_direct) BackwardDirect(g, x, delta, dx, dW, scratch);
                else BackwardIm2Col(g, x, delta, dx, dW, scratch);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void BackwardDirect(in ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> dx, Span<float> dW, Scratch scratch)
        {
            int p = g.Padding, k = g.Kernel, ph = g.Height + 2 * p, pw = g.Width + 2 * p;
            if (p > 0)
            {
                Span<float> padded = scratch.Padded.AsSpan(0, g.InChannels * ph * pw);
                PadInto(x, g.InChannels, g.Height, g.Width, p, padded);
                x = padded;
            }
            // ∂J/∂W += x̃ ⊛ δ (with many filters: (∂J/∂W)ᵀ, added back transposed per chunk)
            if (_filterLanes) FilterLanesWeightGradient.Add(x, g.InChannels, ph, pw, delta, g.OutChannels, k, dW, scratch.DeltaT, scratch.Offsets);
            else DirectConvolution.AddWeightGradient(x, g.InChannels, ph, pw, delta, g.OutChannels, k, dW, scratch.WideDelta, scratch.Offsets);
            if (!_inputGradient) return;
            if (RowTiles(g))
            {
                RowTilesInputGradient.Compute(delta, g.OutChannels, _weights, g.InChannels, ph, pw, k, p, dx, scratch.RowTiles);
                return;
            }
            // ∂J/∂x̃: each δ goes back onto the k×k pixels its window read, weighted by W; then the padding is cropped off.
            Span<float> dPadded = scratch.DPadded;
            DirectConvolution.InputGradient(delta, g.OutChannels, _weights, g.InChannels, ph, pw, k, dPadded, scratch.WideDelta, scratch.Offsets);
            if (p == 0) dPadded[..dx.Length].CopyTo(dx);
            else
                for (int c = 0; c < g.InChannels; c++)
                    for (int y = 0; y < g.Height; y++)
                        dPadded.Slice((c * ph + y + p) * pw + p, g.Width).CopyTo(dx.Slice((c * g.Height + y) * g.Width, g.Width));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void BackwardIm2Col(in ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> dx, Span<float> dW, Scratch scratch)
        {
            Span<float> columns = scratch.Columns.AsSpan(0, g.PatchSize * g.OutPixels);
            Span<float> dColumns = scratch.DColumns.AsSpan(0, g.PatchSize * g.OutPixels);
            // ∂J/∂W += δ_n · X_nᵀ
            Im2Col(x, g, columns);
            Gemm.MultiplyTransposedAdd(delta, columns, dW, g.OutChannels, g.OutPixels, g.PatchSize);
            if (!_inputGradient) return;
            // ∂J/∂X_n = Wᵀ · δ_n (Wᵀ read in place: row stride 1, column stride C·k·k), then back onto the pixels.
            dColumns.Clear();
            Gemm.MultiplyAdd(_weights, 1, g.PatchSize, delta, dColumns, g.PatchSize, g.OutChannels, g.OutPixels);
            dx.Clear();
            Col2Im(dColumns, g, dx);
        }
    }
}
