using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// Turns each sample into one vector: N×C×H×W → N×(C·H·W), in row-major order, so feature (c·H + h)·W + w is pixel (c, h, w).
/// Backward reshapes ∂J/∂output back to N×C×H×W. Both directions are views: nothing is copied.
/// </summary>
/// <remarks>
/// The returned tensors share their elements with the tensor passed in (the previous layer's buffer), which
/// keeps them valid until that layer runs again, the same lifetime every layer's output has.
/// </remarks>
public sealed class Flatten : ILayer
{
    private int[]? _inputShape;  // Backward restores it
    private Tensor? _output;     // the last views, reused while they view the same array with the same shape
    private Tensor? _dInput;

    /// <inheritdoc />
    public string Name => "Flatten";

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape)
    {
        Activation.OutputShape(Name, inputShape);
        int features = 1;
        foreach (int d in inputShape) features *= d;
        return [features];
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        Activation.RequireBatch(Name, input);
        int n = input.Dim(0);
        int features = n == 0 ? 0 : input.Length / n;
        if (_inputShape is null || !Buffers.SameShape(_inputShape, input.Shape)) _inputShape = input.Shape.ToArray();
        _output = View(_output, input, n, features);
        return _output;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_inputShape is null || _output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        if (_dInput is null || !ReferenceEquals(_dInput.Data, dOutput.Data) || !Buffers.SameShape(_dInput.Shape, _inputShape))
            _dInput = dOutput.Reshape(_inputShape);
        return _dInput;
    }

    private static Tensor View(Tensor? previous, Tensor source, int n, int features) =>
        previous is not null && ReferenceEquals(previous.Data, source.Data) && previous.Dim(0) == n && previous.Dim(1) == features
            ? previous
            : source.Reshape(n, features);
}
