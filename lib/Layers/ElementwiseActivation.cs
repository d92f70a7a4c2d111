using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;

namespace CnnFromScratch.Layers;

/// <summary>
/// What <see cref="ReLU"/>, <see cref="LeakyReLU"/>, <see cref="Sigmoid"/> and <see cref="Tanh"/> share: a = f(z) element
/// by element (no parameters, any batch N×…, the same shape out), the checks and the buffers. Each subclass supplies only
/// its own formulas: the forward a = f(z) and the backward ∂J/∂z = ∂J/∂a ⊙ f′, written from the cached output a or,
/// when f′ cannot be read off a, the cached input z.
/// </summary>
public abstract class ElementwiseActivation : ILayer
{
    private readonly bool _backwardReadsInput;
    private Tensor? _cached;  // z or a: what the subclass's Backward reads
    private Tensor? _output;
    private Tensor? _dInput;

    private protected ElementwiseActivation(bool backwardReadsInput) => _backwardReadsInput = backwardReadsInput;

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public int[] OutputShape(IReadOnlyList<int> inputShape) => Activation.OutputShape(Name, inputShape);

    /// <inheritdoc />
    public Tensor Forward(Tensor input)
    {
        Activation.RequireBatch(Name, input);
        Tensor a = Buffers.Result(ref _output, input.Shape);
        Forward(input.Data, a.Data);
        _cached = _backwardReadsInput ? input : a;
        return a;
    }

    /// <inheritdoc />
    public Tensor Backward(Tensor dOutput)
    {
        if (_cached is null || _output is null) throw LayerErrors.BackwardBeforeForward(Name);
        LayerErrors.RequireGradientShape(Name, dOutput, _output);
        Tensor dz = Buffers.Result(ref _dInput, _output.Shape);
        Backward(_cached.Data, dOutput.Data, dz.Data);
        return dz;
    }

    // Whole arrays, one call per batch (never one per element), so a subclass can hand them to a fast kernel as they are.

    /// <summary>Writes a = f(z) into <paramref name="a"/>, element by element.</summary>
    private protected abstract void Forward(float[] z, float[] a);

    /// <summary>Writes ∂J/∂z into <paramref name="dZ"/> from <paramref name="cached"/> (z or a, as the constructor chose) and ∂J/∂a.</summary>
    private protected abstract void Backward(float[] cached, float[] dA, float[] dZ);
}
