using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>Every size a pooling kernel needs: input N×C×H×W, a window×window window moved by stride, output N×C×OH×OW.</summary>
internal readonly record struct PoolGeometry(int Batch, int Channels, int Height, int Width, int Window, int Stride, int OutHeight, int OutWidth)
{
    /// <summary>The number of N×C planes; pooling treats each independently.</summary>
    public int Planes => Batch * Channels;

    /// <summary>Checks an input shape and derives the output size.</summary>
    public static PoolGeometry Of(IReadOnlyList<int> inputShape, int window, int stride)
    {
        // The same checks and messages as the layers give, so calling a kernel directly teaches as much.
        ImageInput.Check("Pooling", inputShape, hasBatch: true, channels: null, window, stride, padding: 0);
        return new PoolGeometry(inputShape[0], inputShape[1], inputShape[2], inputShape[3], window, stride,
            ConvArithmetic.OutputSize(inputShape[2], window, stride), ConvArithmetic.OutputSize(inputShape[3], window, stride));
    }

    /// <summary>
    /// The naive forward pass of any pooling: z[n,c,i,j] = <paramref name="windowValue"/>(n, c, i·s, j·s), the value of the
    /// window whose top-left input is row i·s, column j·s. Writes into <paramref name="output"/> when given.
    /// </summary>
    public static Tensor ForwardNaive(Tensor input, int window, int stride, Tensor? output, Func<int, int, int, int, float> windowValue)
    {
        ArgumentNullException.ThrowIfNull(input);
        var g = Of(input.Shape, window, stride);
        Tensor z = g.Output(output);
        g.ForEachWindow((n, c, i, j) => z[n, c, i, j] = windowValue(n, c, i * stride, j * stride));
        return z;
    }

    /// <summary>
    /// Calls <paramref name="atWindow"/>(n, c, i, j) for every output position in reading order; its window's top-left
    /// input is row i·s, column j·s of plane (n, c). The naive kernels' four loops, written once.
    /// </summary>
    public void ForEachWindow(Action<int, int, int, int> atWindow)
    {
        for (int n = 0; n < Batch; n++)
            for (int c = 0; c < Channels; c++)
                for (int i = 0; i < OutHeight; i++)
                    for (int j = 0; j < OutWidth; j++) atWindow(n, c, i, j);
    }

    /// <summary>The given output buffer after checking its shape, or a new one.</summary>
    public Tensor Output(Tensor? output) => Require(output, nameof(output), OutHeight, OutWidth);

    /// <summary>The given ∂J/∂input buffer after checking its shape, or a new one.</summary>
    public Tensor DInput(Tensor? dInput) => Require(dInput, nameof(dInput), Height, Width);

    /// <summary>Checks that ∂J/∂output has the output's shape.</summary>
    public void RequireDOutput(Tensor dOutput) => Require(dOutput, nameof(dOutput), OutHeight, OutWidth);

    private Tensor Require(Tensor? t, string name, int h, int w)
    {
        if (t is null) return new Tensor(Batch, Channels, h, w);
        if (t.Rank != 4 || t.Dim(0) != Batch || t.Dim(1) != Channels || t.Dim(2) != h || t.Dim(3) != w)
            throw new ArgumentException(
                $"{name} must have shape {Batch}×{Channels}×{h}×{w}; got {TensorShape.Format(t.Shape)}. {ConvGeometry.ShapeHint(name)}", name);
        return t;
    }
}
