using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// The logistic sigmoid, element-wise: a = σ(z) = 1 / (1 + e^(−z)).
/// Backward: ∂J/∂z = ∂J/∂a ⊙ σ(z)(1 − σ(z)), computed from the cached output a.
/// </summary>
public sealed class Sigmoid : ILayer
{
    private Tensor? _output;  // a = σ(z), all the derivative needs
    private Tensor? _dInput;

    /// <inheritdoc />
    public string Name => "Sigmoid";

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
        for (int i = 0; i < z.Length; i++) y[i] = 1f / (1f + MathF.Exp(-z[i]));
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
        for (int i = 0; i < a.Length; i++) d[i] = g[i] * a[i] * (1f - a[i]);
        return dz;
    }
}
