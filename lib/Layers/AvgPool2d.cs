using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Average pooling over window×window windows moved by the stride, channel by channel: z[n,c,i,j] = (1/window²) Σ_{u,v} x[n,c,i·s+u,j·s+v].
/// Backward spreads each δ[n,c,i,j] evenly, δ/window², over its window.
/// The kernels live in <see cref="AveragePooling"/>; <see cref="Implementation"/> picks the naive or the fast one.
/// </summary>
public sealed class AvgPool2d : ILayer
{
    private string? _name;   // built once: Forward and Backward pass it to their checks on every batch
    private int[]? _inputShape;  // all Backward needs
    private Tensor? _output;
    private Tensor? _dInput;

    /// <summary>Creates the layer; <paramref name="stride"/> defaults to <paramref name="window"/> (windows that tile the input).</summary>
    public AvgPool2d(int window, int? stride = null, Implementation implementation = Implementation.Fast)
    {
        Stride = Pooling2d.CheckHyperParameters("AvgPool2d", window, stride);
        Window = window;
        Implementation = implementation;
    }

    /// <summary>The side of the square window.</summary>
    public int Window { get; }

    /// <summary>The step between windows.</summary>
    public int Stride { get; }

    /// <summary>Which kernels Forward and Backward run; both compute the same values.</summary>
    public Implementation Implementation { get; }

    /// <inheritdoc />
    public string Name => _name ??= $"AvgPool2d({Window}×{Window}, stride {Stride})";

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        (int c, int oh, int ow) = Pooling2d.Check(Name, inputShape, hasBatch: false, Window, Stride);
        return [c, oh, ow];
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        (int c, int oh, int ow) = Pooling2d.Check(Name, input.Shape, hasBatch: true, Window, Stride);
        Tensor z = Buffers.Result(ref _output, input.Dim(0), c, oh, ow);
        if (_inputShape is null || !Buffers.SameShape(_inputShape, input.Shape)) _inputShape = input.Shape.ToArray();
        return Implementation == Implementation.Naive
            ? AveragePooling.ForwardNaive(input, Window, Stride, z)
            : AveragePoolingFast.Forward(input, Window, Stride, z);
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_output is null || _inputShape is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        Tensor dx = Buffers.Result(ref _dInput, _inputShape);
        return Implementation == Implementation.Naive
            ? AveragePooling.BackwardNaive(dOutput, Window, Stride, dx)
            : AveragePoolingFast.Backward(dOutput, Window, Stride, dx);
    }
}
