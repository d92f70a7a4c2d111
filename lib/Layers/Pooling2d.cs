using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// What <see cref="MaxPool2d"/> and <see cref="AvgPool2d"/> share: a window×window window moved by the stride over each
/// channel (no parameters), the shape checks, the output size ⌊(H − window)/stride⌋ + 1, and the buffers. Each subclass
/// supplies only its own formula: the forward pass over the windows and the backward pass that sends δ back into them.
/// </summary>
public abstract class Pooling2d : ILayer
{
    private readonly string _kind;
    private string? _name;       // built once: Forward and Backward pass it to their checks on every batch
    private int[]? _inputShape;  // the shape ∂J/∂input gets
    private Tensor? _output;
    private Tensor? _dInput;

    private protected Pooling2d(string kind, int window, int? stride, Implementation implementation)
    {
        LayerErrors.RequireAtLeast(window, 1, nameof(window), kind, "the pooling window");
        LayerErrors.RequireAtLeast(stride ?? window, 1, nameof(stride), kind, "the stride");
        (_kind, Window, Stride, Implementation) = (kind, window, stride ?? window, implementation);
    }

    /// <summary>The side of the square window.</summary>
    public int Window { get; }

    /// <summary>The step between windows.</summary>
    public int Stride { get; }

    /// <summary>Which kernels Forward and Backward run; both compute the same values.</summary>
    public Implementation Implementation { get; }

    /// <inheritdoc />
    public string Name => _name ??= $"{_kind}({Window}×{Window}, stride {Stride})";

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        (int c, int oh, int ow) = ImageInput.Check(Name, inputShape, hasBatch: false, channels: null, Window, Stride, padding: 0);
        return [c, oh, ow];
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        (int c, int oh, int ow) = ImageInput.Check(Name, input.Shape, hasBatch: true, channels: null, Window, Stride, padding: 0);
        Tensor z = Buffers.Result(ref _output, input.Dim(0), c, oh, ow);
        if (_inputShape is null || !Buffers.SameShape(_inputShape, input.Shape)) _inputShape = input.Shape.ToArray();
        Pool(input, z);
        return z;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_output is null || _inputShape is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        Tensor dx = Buffers.Result(ref _dInput, _inputShape);
        Unpool(dOutput, dx);
        return dx;
    }

    /// <summary>Fills <paramref name="output"/> from <paramref name="input"/> and caches what <see cref="Unpool"/> needs.</summary>
    private protected abstract void Pool(Tensor input, Tensor output);

    /// <summary>Overwrites <paramref name="dInput"/> with ∂J/∂input for δ = <paramref name="dOutput"/> of the last Forward.</summary>
    private protected abstract void Unpool(Tensor dOutput, Tensor dInput);
}
