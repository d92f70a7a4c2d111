using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// The hyperbolic tangent, element-wise: a = tanh(z).
/// Backward: ∂J/∂z = ∂J/∂a ⊙ (1 − a²), computed from the cached output a.
/// </summary>
public sealed class Tanh : ILayer
{
    private Tensor? _output;  // a = tanh(z), all the derivative needs
    private Tensor? _dInput;

    /// <inheritdoc />
    public string Name => "Tanh";

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape) => Activation.OutputShape(Name, inputShape);

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        Activation.RequireBatch(Name, input);
        Tensor a = Buffers.Result(ref _output, input.Shape);
        ReadOnlySpan<float> z = input.Data;
        Span<float> y = a.Data;
        for (int i = 0; i < z.Length; i++) y[i] = MathF.Tanh(z[i]);
        return a;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        Tensor dz = Buffers.Result(ref _dInput, _output.Shape);
        ReadOnlySpan<float> a = _output.Data, g = dOutput.Data;
        Span<float> d = dz.Data;
        for (int i = 0; i < a.Length; i++) d[i] = g[i] * (1f - a[i] * a[i]);
        return dz;
    }
}
