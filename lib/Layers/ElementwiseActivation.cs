using CnnFromScratch.Fast;
using CnnFromScratch.Tensors;
using CnnFromScratch.Training;

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

    /// <summary>
    /// The output buffer, for the layer before this one to write a = f(z) into in its own sweep (<see cref="Sequential"/> runs a
    /// fast <see cref="BatchNorm"/> and the <see cref="ReLU"/> after it so); this layer then holds a as if its Forward had
    /// written it, and its Backward works as after Forward. Only for layers whose Backward reads a, not z.
    /// </summary>
    internal Tensor FusedOutput(IReadOnlyList<int> shape)
    {
        if (_backwardReadsInput) throw new InvalidOperationException($"{Name}: its Backward reads its input z, so another layer cannot write its output for it.");
        Tensor a = Buffers.Result(ref _output, shape);
        _cached = a;
        return a;
    }

    // Whole arrays, one call per batch (never one per element), so a subclass can hand them to a fast kernel as they are.

    /// <summary>Writes a = f(z) into <paramref name="a"/>, element by element.</summary>
    private protected abstract void Forward(float[] z, float[] a);

    /// <summary>Writes ∂J/∂z into <paramref name="dZ"/> from <paramref name="cached"/> (z or a, as the constructor chose) and ∂J/∂a.</summary>
    private protected abstract void Backward(float[] cached, float[] dA, float[] dZ);
}
