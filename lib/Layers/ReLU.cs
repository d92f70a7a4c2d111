using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// The rectified linear unit, element-wise: a = max(0, z).
/// Backward: ∂J/∂z = ∂J/∂a ⊙ 1[z &gt; 0] (the derivative at exactly 0 is taken as 0).
/// </summary>
public sealed class ReLU : ILayer
{
    private Tensor? _output;  // a; a > 0 exactly where z > 0, so a is all Backward needs
    private Tensor? _dInput;

    /// <inheritdoc />
    public string Name => "ReLU";

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape) => Activation.OutputShape(Name, inputShape);

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        Activation.RequireBatch(Name, input);
        Tensor a = Buffers.Result(ref _output, input.Shape);
        Simd.Relu(input.Data, a.Data); // a_i = max(0, z_i), eight at a time
        return a;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        Tensor dz = Buffers.Result(ref _dInput, _output.Shape);
        Simd.ReluBackward(_output.Data, dOutput.Data, dz.Data); // ∂J/∂z_i = ∂J/∂a_i where a_i > 0, else 0
        return dz;
    }
}
