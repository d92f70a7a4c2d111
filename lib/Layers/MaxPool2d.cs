using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Max pooling over window×window windows moved by the stride, channel by channel: z[n,c,i,j] = max_{u,v} x[n,c,i·s+u,j·s+v].
/// Backward routes each δ[n,c,i,j] to the position of its window's maximum (upsampling δ); every other input gets 0.
/// The kernels live in <see cref="MaxPooling"/>; <see cref="Implementation"/> picks the naive or the fast one.
/// </summary>
public sealed class MaxPool2d : ILayer
{
    private string? _name;   // built once: Forward and Backward pass it to their checks on every batch
    private Tensor? _input;            // the naive backward searches the maxima again
    private int[] _argmax = [];        // the fast forward records them
    private Tensor? _output;
    private Tensor? _dInput;

    /// <summary>Creates the layer; <paramref name="stride"/> defaults to <paramref name="window"/> (windows that tile the input).</summary>
    public MaxPool2d(int window, int? stride = null, Implementation implementation = Implementation.Fast)
    {
        Stride = Pooling2d.CheckHyperParameters("MaxPool2d", window, stride);
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
    public string Name => _name ??= $"MaxPool2d({Window}×{Window}, stride {Stride})";

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
        if (Implementation == Implementation.Naive) MaxPooling.ForwardNaive(input, Window, Stride, z);
        else
        {
            if (_argmax.Length != z.Length) _argmax = new int[z.Length];
            MaxPoolingFast.Forward(input, Window, Stride, z, _argmax);
        }
        _input = input;
        return z;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_input is null || _output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        Tensor dx = Buffers.Result(ref _dInput, _input.Shape);
        return Implementation == Implementation.Naive
            ? MaxPooling.BackwardNaive(_input, dOutput, Window, Stride, dx)
            : MaxPoolingFast.Backward(dOutput, _argmax, Window, Stride, dx);
    }
}
